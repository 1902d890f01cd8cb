// The authenticator login: username first; then a code for a known user, or, for a new
// one, the QR to scan and a first code; after enrolment the recovery codes, shown once.
import { byId, el } from '../shared/dom.js';
import { errorInWords } from '../shared/error-words.js';
import { authApi } from './auth-api.js';

export interface LoginPanel {
  /** Back to the username step, e.g. after logout. */
  reset(): void;
  /** The recovery codes of a new enrolment are on screen (shown once: nothing may hide them). */
  showingRecoveryCodes(): boolean;
}

/** `onLoggedIn` runs once the session cookie is set (and the recovery codes were acknowledged). */
export function createLoginPanel(onLoggedIn: () => void): LoginPanel {
  const usernameForm = byId<HTMLFormElement>('login-username');
  const codeForm = byId<HTMLFormElement>('login-code');
  const enrolForm = byId<HTMLFormElement>('login-enrol');
  const recovery = byId('login-recovery');
  const message = byId('login-message');
  const usernameInput = byId<HTMLInputElement>('username');
  let username = '';

  const show = (step: HTMLElement) => {
    for (const panel of [usernameForm, codeForm, enrolForm, recovery]) panel.hidden = panel !== step;
    message.textContent = '';
    step.querySelector<HTMLElement>('input, button')?.focus();
  };
  const fail = (error: unknown) => {
    message.textContent = errorInWords(error);
  };

  usernameForm.addEventListener('submit', (event) => {
    event.preventDefault();
    username = usernameInput.value.trim();
    authApi
      .start(username)
      .then((reply) => {
        if (reply.status === 'user') {
          byId('code-username').textContent = username;
          show(codeForm);
          return;
        }
        byId<HTMLImageElement>('enrol-qr').src = reply.qr;
        // For typing into an app on the same phone, which cannot scan its own screen.
        byId('enrol-secret').textContent = new URL(reply.qr_url).searchParams.get('secret') ?? '';
        show(enrolForm);
      })
      .catch(fail);
  });

  codeForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const input = byId<HTMLInputElement>('login-code-input');
    authApi
      .login(username, input.value.trim())
      .then(() => {
        input.value = '';
        onLoggedIn();
      })
      .catch(fail);
  });

  enrolForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const input = byId<HTMLInputElement>('enrol-code-input');
    authApi
      .register(username, input.value.trim())
      .then((reply) => {
        input.value = '';
        byId('recovery-codes').replaceChildren(...reply.recovery_codes.map((code) => el('li', {}, el('code', {}, code))));
        show(recovery);
      })
      .catch(fail);
  });

  byId('enrol-cancel').addEventListener('click', () => {
    authApi.cancelRegistration(username).catch(() => undefined);
    show(usernameForm);
  });
  byId('code-back').addEventListener('click', () => show(usernameForm));

  byId('recovery-copy').addEventListener('click', () => {
    const text = [...byId('recovery-codes').querySelectorAll('code')].map((code) => code.textContent).join('\n');
    const done = byId('recovery-copied');
    navigator.clipboard
      .writeText(text)
      .then(() => (done.textContent = 'Copied. Keep them somewhere safe.'))
      .catch(() => (done.textContent = 'Copying is blocked here: select the codes and copy them by hand.'));
  });
  byId('recovery-done').addEventListener('click', () => {
    byId('recovery-codes').replaceChildren(); // shown once: not kept in the page either
    recovery.hidden = true;
    onLoggedIn();
  });

  return {
    reset() {
      usernameInput.value = '';
      show(usernameForm);
    },
    showingRecoveryCodes: () => !recovery.hidden,
  };
}
