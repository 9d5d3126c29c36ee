// The widget chat window's entry (the page inside the widget's iframe, /widget/). Framed, it
// runs only for the page the loader named and the browser confirms (embedder.ts); any other
// embedder gets a short refusal, and nothing is read from storage, fetched or posted.

import { render } from 'preact';
import '../shared/ui/base.css';
import './widget.css';
import { framed } from './bridge';
import { verifiedParent } from './embedder';
import { Refused, WidgetApp } from './WidgetApp';
import { readParams } from './params';

const params = readParams(location.search);
const parentOrigin = framed ? verifiedParent(params.parent, { referrer: document.referrer, ancestorOrigins: location.ancestorOrigins }) : null;
const root = document.getElementById('root')!;
if (framed && !parentOrigin) render(<Refused />, root);
else render(<WidgetApp params={params} parentOrigin={parentOrigin} />, root);
