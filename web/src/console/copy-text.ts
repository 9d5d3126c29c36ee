// Copying a text the agent must keep (a secret, recovery codes). When the browser refuses the
// clipboard (no permission, an insecure origin), the text on screen is selected for Ctrl+C.

/** Copies `text`; on refusal selects what `shown` displays. Returns the sentence to announce. */
export async function copyText(text: string, shown: HTMLElement | null): Promise<string> {
  try {
    await navigator.clipboard.writeText(text);
    return 'Copied to the clipboard.';
  } catch {
    const selection = window.getSelection();
    if (shown && selection) {
      const range = document.createRange();
      range.selectNodeContents(shown);
      selection.removeAllRanges();
      selection.addRange(range);
    }
    return 'Selected: press Ctrl+C to copy.';
  }
}
