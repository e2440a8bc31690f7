import { homedir } from 'node:os';
import { GoogleTokenSource } from '../auth/google.js';
import { ConfigError } from '../config/errors.js';
import type { ProviderConfig } from '../config/schema.js';
import type { ProviderSpec, VertexPreset } from './types.js';

// What every Vertex AI provider shares, whatever its publisher (anthropic for Claude,
// google for Gemini): region, project, API root and Google OAuth, resolved from config
// and the environment, and the URLs built from them. Reference: providers.md §2.2/§2.3.
//
//   https://{host}/v1/projects/{project}/locations/{region}/publishers/{publisher}/models/{model}:{method}
//   host: global → aiplatform.googleapis.com; us / eu → aiplatform.{us,eu}.rep.googleapis.com;
//         any other region → {region}-aiplatform.googleapis.com

/** Vertex AI Claude's default region, the seeds' (vertex-gemini defaults to global, as google-genai does). */
export const DEFAULT_VERTEX_REGION = 'us-east5';

export interface VertexSettings {
  publisher: 'anthropic' | 'google';
  region: string;
  /** The API root with its version (`https://us-east5-aiplatform.googleapis.com/v1`), or the baseUrl override. */
  apiBase: string;
  /** This provider's Google OAuth (also its `authHook`); knows the project once the credentials are read. */
  credentials: GoogleTokenSource;
}

export interface ResolvedVertex {
  settings: VertexSettings;
  /** Where the credentials come from, for status output. */
  keySource: string;
}

export const REGION_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
/** Project ids, including legacy domain-scoped ones (`example.com:my-project`). */
export const PROJECT_PATTERN = /^[a-z0-9](?:[a-z0-9.:-]*[a-z0-9])?$/;

type Env = Record<string, string | undefined>;

/** The default API root for a region. */
export function vertexApiBase(region: string): string {
  if (region === 'global') return 'https://aiplatform.googleapis.com/v1';
  if (region === 'us' || region === 'eu') return `https://aiplatform.${region}.rep.googleapis.com/v1`;
  return `https://${region}-aiplatform.googleapis.com/v1`;
}

/** Region, project, API root and credentials of a Vertex provider: config, then the preset's environment variables, then defaults. */
export function resolveVertex(id: string, spec: ProviderSpec & { vertex: VertexPreset }, pc: ProviderConfig, env: Env, label: string): ResolvedVertex {
  const vx = spec.vertex;
  const region = pc.region ?? pick(env, vx.regionEnv, REGION_PATTERN, 'a region such as us-east5 or global') ?? vx.defaultRegion;
  const project = pc.project ?? pick(env, vx.projectEnv, PROJECT_PATTERN, 'a Google Cloud project id');
  const envBase = spec.baseUrlEnv?.map((name) => ({ name, value: env[name] })).find((e) => e.value);
  const apiBase = (pc.baseUrl ?? envBase?.value ?? vertexApiBase(region)).replace(/\/+$/, '');
  if (envBase && !pc.baseUrl && !/^https?:\/\//.test(apiBase)) throw new ConfigError(`$${envBase.name}: "${envBase.value}" is not an http(s) URL`);

  let credentialsFile: { path: string; source: string } | undefined;
  if (pc.credentialsFile) credentialsFile = { path: expandHome(pc.credentialsFile, env), source: `providers.${id}.credentialsFile` };
  else if (env.GOOGLE_APPLICATION_CREDENTIALS) credentialsFile = { path: expandHome(env.GOOGLE_APPLICATION_CREDENTIALS, env), source: '$GOOGLE_APPLICATION_CREDENTIALS' };

  const credentials = new GoogleTokenSource({ id, label, credentialsFile, project, needsProject: true, projectEnv: vx.projectEnv });
  return {
    settings: { publisher: vx.publisher, region, apiBase, credentials },
    keySource: credentialsFile ? `Google credentials ${credentialsFile.source === '$GOOGLE_APPLICATION_CREDENTIALS' ? '$GOOGLE_APPLICATION_CREDENTIALS' : 'file'}` : 'Google Application Default Credentials',
  };
}

/** `…/projects/{project}/locations/{region}`, under which a project's models live; call after the auth hook has run. */
export function vertexLocationUrl(v: VertexSettings): string {
  const project = v.credentials.projectId;
  // The auth hook resolves the project before any request is built; this only guards misuse.
  if (!project) throw new Error('Vertex AI project not resolved yet');
  return `${v.apiBase}/projects/${project}/locations/${v.region}`;
}

/** `…/projects/{project}/locations/{region}/publishers/{publisher}/models/{model}:{method}`; call after the auth hook has run. */
export function vertexModelUrl(v: VertexSettings, model: string, method: string): string {
  return `${vertexLocationUrl(v)}/publishers/${v.publisher}/models/${model}:${method}`;
}

/**
 * The Model Garden entry of a publisher model (`GET …/v1/publishers/{publisher}/models/{model}`):
 * metadata only, so a health probe of it spends no tokens. Dates (`@20250929`) are not part of its name.
 */
export function vertexPublisherModelUrl(v: VertexSettings, model: string): string {
  return `${v.apiBase}/publishers/${v.publisher}/models/${model.replace(/@.*$/, '')}`;
}

/**
 * The v1beta1 root next to a `/v1` API root: Model Garden's publisher model listing
 * (`GET /v1beta1/publishers/{publisher}/models`) exists only in v1beta1. A root without
 * `/v1` (a gateway's own path) is used as it is.
 */
export function vertexBetaBase(apiBase: string): string {
  return apiBase.replace(/\/v1$/, '/v1beta1');
}

/** Config fields only Vertex providers take; set on another provider they are a mistake worth naming. */
export function rejectVertexFields(id: string, pc: ProviderConfig, label: string): void {
  for (const field of ['region', 'project', 'credentialsFile'] as const) {
    if (pc[field] !== undefined) throw new ConfigError(`providers.${id}.${field}: only Vertex AI providers take a ${field} (${label} does not)`);
  }
}

function pick(env: Env, names: string[], pattern: RegExp, what: string): string | undefined {
  for (const name of names) {
    const value = env[name]?.trim();
    if (!value) continue;
    if (!pattern.test(value)) throw new ConfigError(`$${name}: "${value}" is not ${what}`);
    return value;
  }
  return undefined;
}

function expandHome(path: string, env: Env): string {
  if (path === '~' || path.startsWith('~/')) return (env.HOME || homedir()) + path.slice(1);
  return path;
}
