// How the console gets an agent's attention: a count in the page title, and, when the agent
// turned them on, a short sound and a desktop notification while the tab is hidden.

import { load, save } from '../shared/storage';

const SOUND_KEY = 'raasel.console.sound';
const DESKTOP_KEY = 'raasel.console.desktop';
const BASE_TITLE = 'Raasel console';

export class Notifier {
  sound = load(SOUND_KEY) === '1';
  desktop = load(DESKTOP_KEY) === '1';
  private audio: AudioContext | null = null;

  /** The number of unseen things, shown as "(3) Raasel console". */
  setCount(count: number): void {
    document.title = count > 0 ? `(${count}) ${BASE_TITLE}` : BASE_TITLE;
  }

  setSound(on: boolean): void {
    this.sound = on;
    save(SOUND_KEY, on ? '1' : null);
    if (on) this.beep(); // also unlocks audio: this runs in the click that turned it on
  }

  /** Turns desktop notifications on (asking the browser's permission) or off. */
  async setDesktop(on: boolean): Promise<boolean> {
    if (on && 'Notification' in window && Notification.permission !== 'granted') {
      on = (await Notification.requestPermission()) === 'granted';
    }
    this.desktop = on && 'Notification' in window;
    save(DESKTOP_KEY, this.desktop ? '1' : null);
    return this.desktop;
  }

  announce(title: string, body: string): void {
    if (this.sound) this.beep();
    if (this.desktop && document.hidden && 'Notification' in window && Notification.permission === 'granted') {
      const n = new Notification(title, { body, tag: 'raasel-console' });
      n.onclick = () => {
        window.focus();
        n.close();
      };
    }
  }

  private beep(): void {
    try {
      this.audio ??= new AudioContext();
      const ctx = this.audio;
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.frequency.value = 880;
      gain.gain.setValueAtTime(0.08, ctx.currentTime);
      gain.gain.exponentialRampToValueAtTime(0.0001, ctx.currentTime + 0.25);
      osc.connect(gain).connect(ctx.destination);
      osc.start();
      osc.stop(ctx.currentTime + 0.25);
    } catch {
      // No audio on this device.
    }
  }
}
