// The box around a hall's seats, rotation included. Its own file with no imports, so
// the pages can bundle it (for their SVG viewBox) without zod or any server code.
export interface SeatGeometry {
  x: number;
  y: number;
  width: number;
  height: number;
  rotation: number;
}

export interface Bounds {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The box around all seats, rotation included: an SVG viewBox for the hall. */
export function layoutBounds(seats: readonly SeatGeometry[]): Bounds {
  if (seats.length === 0) return { x: 0, y: 0, width: 0, height: 0 };
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const seat of seats) {
    const radians = (seat.rotation * Math.PI) / 180;
    const cos = Math.abs(Math.cos(radians));
    const sin = Math.abs(Math.sin(radians));
    // Half extents of the rotated rectangle's axis-aligned box.
    const halfW = (seat.width * cos + seat.height * sin) / 2;
    const halfH = (seat.width * sin + seat.height * cos) / 2;
    const cx = seat.x + seat.width / 2;
    const cy = seat.y + seat.height / 2;
    minX = Math.min(minX, cx - halfW);
    minY = Math.min(minY, cy - halfH);
    maxX = Math.max(maxX, cx + halfW);
    maxY = Math.max(maxY, cy + halfH);
  }
  return { x: minX, y: minY, width: maxX - minX, height: maxY - minY };
}
