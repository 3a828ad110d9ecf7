// Drafts of step text and label notes in localStorage, so nothing typed is lost on a reload
// or a crash.
const PREFIX = "arbor.draft.";

export type DraftKey = `edit:${number}` | `add:${number}` | `note:${number}`;

export function loadDraft(key: DraftKey): string | null {
  try {
    return window.localStorage.getItem(PREFIX + key);
  } catch {
    return null;
  }
}

export function saveDraft(key: DraftKey, text: string): void {
  try {
    window.localStorage.setItem(PREFIX + key, text);
  } catch {
    // Storage full or blocked: the text is still in the editor.
  }
}

export function clearDraft(key: DraftKey): void {
  try {
    window.localStorage.removeItem(PREFIX + key);
  } catch {
    // ignore
  }
}
