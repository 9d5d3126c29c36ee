// The customer app's entry (served at /), in the browser's language (English when it has none
// of the app's): that language's texts are fetched before the first render.

import { render } from 'preact';
import '../shared/ui/base.css';
import './app.css';
import { addTexts, chooseLocale, setLocale } from '../shared/i18n';
import { appTexts } from '../shared/i18n/app-texts';
import { App } from './App';

addTexts(appTexts);
void setLocale(chooseLocale(navigator.languages)).then(() => render(<App />, document.getElementById('root')!));
