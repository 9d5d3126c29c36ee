// The agent console's entry (served at /console/).

import { render } from 'preact';
import '../shared/ui/base.css';
import './console.css';
import { ConsoleApp } from './ConsoleApp';

render(<ConsoleApp />, document.getElementById('root')!);
