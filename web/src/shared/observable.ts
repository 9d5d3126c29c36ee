// The smallest observable: listeners are told that something changed and read the new state
// themselves. `version` lets views notice a change cheaply.

export class Observable {
  private listeners = new Set<() => void>();
  version = 0;

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  protected notify(): void {
    this.version += 1;
    for (const listener of [...this.listeners]) listener();
  }
}
