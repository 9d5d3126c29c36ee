// The widget chat window's entry (the page inside the widget's iframe, /widget/).

import { render } from 'preact';
import '../shared/ui/base.css';
import './widget.css';
import { WidgetApp } from './WidgetApp';
import { readParams } from './params';

render(<WidgetApp params={readParams(location.search)} />, document.getElementById('root')!);
