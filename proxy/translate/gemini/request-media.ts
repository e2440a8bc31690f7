import type { ContentBlock, DocumentBlock, ImageBlock, TextBlock } from '../../protocol/anthropic/types.js';
import type { GeminiFunctionResponsePart, GeminiPart } from '../../protocol/gemini/types.js';
import { isBlank } from '../openai-chat/request.js';

// User content blocks → Gemini parts. Images and PDFs travel inline (base64) or by
// URI: Gemini fetches gs:// and https:// file URIs itself (reference §2.3 Parts);
// data: URLs are unpacked inline; anything else is named in text rather than lost.

const IMAGE_TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  heic: 'image/heic',
  heif: 'image/heif',
  pdf: 'application/pdf',
};

/** One Anthropic user block → Gemini parts (empty when it has no Gemini form). */
export function userParts(b: ContentBlock): GeminiPart[] {
  switch (b.type) {
    case 'text': {
      const t = (b as TextBlock).text;
      return typeof t === 'string' && !isBlank(t) ? [{ text: t }] : [];
    }
    case 'image':
    case 'document': {
      const media = mediaPart(b);
      if (media) return [media.inlineData ? { inlineData: media.inlineData } : { fileData: media.fileData! }];
      return b.type === 'document' ? documentText(b as DocumentBlock) : imageFallback(b as ImageBlock);
    }
    default:
      return []; // thinking, server-tool blocks, search results, tool references: nothing to send
  }
}

/** An image or binary document as inline data or a file URI; null for anything else. */
export function mediaPart(b: ContentBlock): GeminiFunctionResponsePart | null {
  if (b.type !== 'image' && b.type !== 'document') return null;
  const src = (b as ImageBlock | DocumentBlock).source as { type?: string; media_type?: string; data?: string; url?: string } | undefined;
  if (!src) return null;
  const fallbackType = b.type === 'document' ? 'application/pdf' : 'image/jpeg';
  if (src.type === 'base64' && typeof src.data === 'string' && src.data) {
    return { inlineData: { mimeType: src.media_type || fallbackType, data: src.data } };
  }
  if (src.type === 'url' && typeof src.url === 'string') return urlPart(src.url, fallbackType);
  return null; // text/content documents are text; Files-API ids mean nothing to Gemini
}

function urlPart(url: string, fallbackType: string): GeminiFunctionResponsePart | null {
  if (url.startsWith('data:')) {
    const comma = url.indexOf(',');
    const meta = comma > 5 ? url.slice(5, comma) : '';
    if (!meta.endsWith(';base64')) return null;
    return { inlineData: { mimeType: meta.slice(0, -7) || fallbackType, data: url.slice(comma + 1) } };
  }
  if (!url.startsWith('https://') && !url.startsWith('gs://')) return null;
  return { fileData: { mimeType: mimeFromUrl(url) ?? fallbackType, fileUri: url } };
}

function mimeFromUrl(url: string): string | undefined {
  const path = url.split(/[?#]/, 1)[0];
  const dot = path.lastIndexOf('.');
  return dot === -1 ? undefined : IMAGE_TYPES[path.slice(dot + 1).toLowerCase()];
}

function documentText(d: DocumentBlock): GeminiPart[] {
  const src = d.source;
  if (!src) return [];
  let text = '';
  if (src.type === 'text') text = src.data;
  else if (src.type === 'content') {
    if (typeof src.content === 'string') text = src.content;
    else for (const c of src.content) if (c && c.type === 'text' && typeof c.text === 'string') text = text ? text + '\n' + c.text : c.text;
  } else if (src.type === 'url') text = '[document: ' + src.url + ']';
  if (typeof text !== 'string' || isBlank(text)) return [];
  return [{ text: d.title ? d.title + '\n\n' + text : text }];
}

function imageFallback(i: ImageBlock): GeminiPart[] {
  const src = i.source;
  return src && src.type === 'url' && typeof src.url === 'string' ? [{ text: '[image: ' + src.url + ']' }] : [];
}
