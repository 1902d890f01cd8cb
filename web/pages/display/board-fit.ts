// A lobby board never scrolls: rows that do not fit are hidden from the end (the latest
// showings) and counted in one "+N more later" line, measured on the real layout so it
// holds for any screen, font and title length.

/** Shows as many of `rows` as fit in `list` (overflow hidden); `more` tells how many did not. */
export function fitRows(list: HTMLElement, rows: readonly HTMLElement[], more: HTMLElement): void {
  for (const row of rows) row.hidden = false;
  more.hidden = true;
  let hidden = 0;
  // Each pass re-measures: showing the "more" line itself takes room from the list.
  for (let i = rows.length - 1; i > 0 && list.scrollHeight > list.clientHeight; i--) {
    rows[i]!.hidden = true;
    hidden++;
    more.textContent = `+${hidden} more later`;
    more.hidden = false;
  }
}
