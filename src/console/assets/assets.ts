/**
 * The stylesheet and script, served from the worker itself under a name carrying a hash of their
 * content, so a browser may keep them a year and a new version is a new URL.
 */
import type { Hono } from "hono";
import type { Env } from "../../env";
import { SCRIPT } from "./script";
import { STYLES } from "./styles";

/** FNV-1a, 32 bits: enough to tell versions apart (not a security digest). */
function contentHash(text: string): string {
	let hash = 0x811c9dc5;
	for (let i = 0; i < text.length; i++) {
		hash ^= text.charCodeAt(i);
		hash = Math.imul(hash, 0x01000193) >>> 0;
	}
	return hash.toString(16).padStart(8, "0");
}

const ASSETS = [
	{ path: `/console/assets/console.${contentHash(STYLES)}.css`, body: STYLES, type: "text/css; charset=utf-8" },
	{ path: `/console/assets/console.${contentHash(SCRIPT)}.js`, body: SCRIPT, type: "text/javascript; charset=utf-8" },
];

export const STYLESHEET_URL = ASSETS[0].path;
export const SCRIPT_URL = ASSETS[1].path;

export function serveAssets(app: Hono<{ Bindings: Env }>): void {
	for (const asset of ASSETS) {
		app.get(asset.path, (c) =>
			c.body(asset.body, 200, {
				"content-type": asset.type,
				"cache-control": "public, max-age=31536000, immutable",
				"x-content-type-options": "nosniff",
			}),
		);
	}
}
