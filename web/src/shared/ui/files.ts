// Files in conversations, as one chunk fetched when first needed (a message carrying files, or
// a file picked, dropped or pasted), so the chat window's first load does not carry them.

import './files.css';

export { ComposerFiles } from './ComposerFiles';
export { MessageFiles, linksFor } from './MessageFiles';
export { xhrUploader } from '../upload-request';
export { UploadList } from '../uploads';
