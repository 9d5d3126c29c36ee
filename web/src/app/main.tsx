// The customer app's entry (served at /).

import { render } from 'preact';
import '../shared/ui/base.css';
import './app.css';
import { App } from './App';

render(<App />, document.getElementById('root')!);
