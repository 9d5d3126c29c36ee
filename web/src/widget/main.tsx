// The widget chat window's entry (the page inside the widget's iframe, /widget/). Framed, it
// runs only for the page the loader named and the browser confirms (embedder.ts); any other
// embedder gets a short refusal, and nothing is read from storage, fetched or posted. The
// language the site or the browser asks for is fetched at once, alongside the first requests.

import { render } from 'preact';
import '../shared/ui/base.css';
import './widget.css';
import { chooseLocale, setLocale } from '../shared/i18n';
import { framed } from './bridge';
import { verifiedParent } from './embedder';
import { Refused, WidgetApp } from './WidgetApp';
import { readParams } from './params';

const params = readParams(location.search);
const parentOrigin = framed ? verifiedParent(params.parent, { referrer: document.referrer, ancestorOrigins: location.ancestorOrigins }) : null;
const root = document.getElementById('root')!;
const early = setLocale(chooseLocale([params.locale, ...navigator.languages]));
if (framed && !parentOrigin) void early.then(() => render(<Refused />, root));
else render(<WidgetApp params={params} parentOrigin={parentOrigin} early={early} />, root);
