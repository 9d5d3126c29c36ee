// The customer app's own texts as a part for t() (index.ts): English here, each other language
// a chunk of its own.

import { appEn } from './app-en';
import type { TextPart } from './index';

export const appTexts: TextPart = {
  en: appEn,
  chunks: {
    de: () => import('./app-de'),
    fr: () => import('./app-fr'),
    es: () => import('./app-es'),
    ar: () => import('./app-ar'),
  },
};
