// Every key binding, read from the command registry.
import { helpGroups } from "../model/commands";
import { registry } from "./commands";
import { useWorkspace } from "./context";

export function HelpOverlay() {
  const open = useWorkspace((s) => s.helpOpen);
  const toggle = useWorkspace((s) => s.toggleHelp);
  if (!open) return null;
  return (
    <div className="modal-backdrop" onClick={() => toggle(false)}>
      <div
        className="modal help"
        role="dialog"
        aria-label="Keyboard shortcuts"
        onClick={(event) => event.stopPropagation()}
      >
        <h2>Keyboard shortcuts</h2>
        <div className="help-grid">
          {helpGroups(registry).map(({ group, commands }) => (
            <div key={group}>
              <h3>{group}</h3>
              <table>
                <tbody>
                  {commands.map((command) => (
                    <tr key={command.id}>
                      <td className="help-keys">
                        {command.keys.map((key) => (
                          <kbd key={key}>{key}</kbd>
                        ))}
                      </td>
                      <td>{command.label}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ))}
        </div>
      </div>
    </div>
  );
}
