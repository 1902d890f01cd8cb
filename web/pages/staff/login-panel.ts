// The authenticator login: username first; then a code for a known user, or, for a new
// one, the QR to scan and a first code; after enrolment the recovery codes, shown once.
// One-time links arrive in the fragment, which never reaches the server's logs:
// `#setup=<token>` (the first admin: the next enrolment uses it) and `#reenrol=<token>`
// (a new authenticator, from an admin); a recovery code leads to the same new-authenticator step.
import { byId, el } from '../shared/dom.js';
import { errorInWords } from '../shared/error-words.js';
import { authApi } from './auth-api.js';

export interface LoginPanel {
  /** Back to the username step, e.g. after logout. */
  reset(): void;
  /**
   * An enrolment is under way or its recovery codes are on screen (shown once: nothing may
   * hide them). Its login push can reach the page's socket before the HTTP reply does.
   */
  enrolmentUnfinished(): boolean;
}

/** `onLoggedIn` runs once the session cookie is set (and the recovery codes were acknowledged). */
export function createLoginPanel(onLoggedIn: () => void): LoginPanel {
  const usernameForm = byId<HTMLFormElement>('login-username');
  const codeForm = byId<HTMLFormElement>('login-code');
  const enrolForm = byId<HTMLFormElement>('login-enrol');
  const recovery = byId('login-recovery');
  const message = byId('login-message');
  const lostForm = byId<HTMLFormElement>('login-lost');
  const reenrolForm = byId<HTMLFormElement>('login-reenrol');
  const usernameInput = byId<HTMLInputElement>('username');
  let username = '';
  const link = readLinkFromFragment();
  let reenrolToken = '';
  let enrolling = false;

  const show = (step: HTMLElement) => {
    for (const panel of [usernameForm, codeForm, enrolForm, recovery, lostForm, reenrolForm]) panel.hidden = panel !== step;
    message.textContent = '';
    step.querySelector<HTMLElement>('input, button')?.focus();
  };
  const fail = (error: unknown) => {
    message.textContent = errorInWords(error);
  };
  /** Registration, setup or re-enrolment: the reply carries the recovery codes, shown once. */
  const finishEnrolment = (request: Promise<{ recovery_codes: string[] }>, input: HTMLInputElement) => {
    enrolling = true;
    request
      .then((reply) => {
        input.value = '';
        byId('recovery-codes').replaceChildren(...reply.recovery_codes.map((code) => el('li', {}, el('code', {}, code))));
        show(recovery);
      })
      .catch(fail)
      .finally(() => (enrolling = false));
  };
  const startReenrolment = (token: string) => {
    reenrolToken = token;
    authApi
      .reenrolStart(token)
      .then((reply) => {
        byId('reenrol-username').textContent = reply.username;
        byId<HTMLImageElement>('reenrol-qr').src = reply.qr;
        byId('reenrol-secret').textContent = new URL(reply.qr_url).searchParams.get('secret') ?? '';
        show(reenrolForm);
      })
      .catch(fail);
  };
  byId('setup-note').hidden = link?.kind !== 'setup';

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
    const code = input.value.trim();
    finishEnrolment(link?.kind === 'setup' ? authApi.setupRegister(username, code, link.token) : authApi.register(username, code), input);
  });

  byId('code-lost').addEventListener('click', () => show(lostForm));
  byId('lost-back').addEventListener('click', () => show(codeForm));
  lostForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const input = byId<HTMLInputElement>('lost-code-input');
    authApi
      .reenrolWithRecoveryCode(username, input.value.trim())
      .then((reply) => {
        input.value = '';
        startReenrolment(reply.token);
      })
      .catch(fail);
  });
  reenrolForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const input = byId<HTMLInputElement>('reenrol-code-input');
    finishEnrolment(authApi.reenrol(reenrolToken, input.value.trim()), input);
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
      // A re-enrolment link is followed once, instead of the username step.
      if (link?.kind === 'reenrol' && reenrolToken === '') return startReenrolment(link.token);
      if (!reenrolForm.hidden || !recovery.hidden) return;
      usernameInput.value = '';
      show(usernameForm);
    },
    enrolmentUnfinished: () => enrolling || !recovery.hidden,
  };
}

/** A one-time link's token from the fragment; the fragment is cleared so it is not bookmarked or shared. */
function readLinkFromFragment(): { kind: 'setup' | 'reenrol'; token: string } | null {
  const match = /^#(setup|reenrol)=([A-Za-z0-9_-]{43})$/.exec(location.hash);
  if (!match) return null;
  history.replaceState(null, '', location.pathname + location.search);
  return { kind: match[1] as 'setup' | 'reenrol', token: match[2]! };
}
