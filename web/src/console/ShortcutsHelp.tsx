// The overlay listing the keyboard shortcuts (`?`). Loaded when first asked for.

import { SHORTCUT_HELP } from './shortcuts';
import { ToolDialog } from './ToolDialog';

export function ShortcutsHelp({ onClose }: { onClose: () => void }) {
  return (
    <ToolDialog title="Keyboard shortcuts" kind="shortcuts-help" onClose={onClose}>
      <p class="muted small">Single keys work when you are not typing in a box.</p>
      <dl class="shortcut-list">
        {SHORTCUT_HELP.map((s) => (
          <div class="shortcut" key={s.does}>
            <dt>
              {s.keys.map((combo, i) => (
                <span key={i} class="combo">
                  {i > 0 && <span class="muted"> or </span>}
                  {combo.map((k, j) => (
                    <span key={j}>
                      {j > 0 && '+'}
                      <kbd>{k}</kbd>
                    </span>
                  ))}
                </span>
              ))}
            </dt>
            <dd>{s.does}</dd>
          </div>
        ))}
      </dl>
    </ToolDialog>
  );
}
