/// <reference types="node" />
/** The receiver's local settings, as `wrangler dev` reads them: .dev.vars, else the committed example. */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

export interface DevVars {
	file: string;
	vars: Record<string, string>;
}

export function readDevVars(root: string): DevVars {
	const own = join(root, ".dev.vars");
	const file = existsSync(own) ? own : join(root, ".dev.vars.example");
	return { file, vars: parseDotenv(readFileSync(file, "utf8")) };
}

/** KEY=value lines; values may be quoted; `#` starts a comment line. */
export function parseDotenv(text: string): Record<string, string> {
	const vars: Record<string, string> = {};
	for (const line of text.split("\n")) {
		const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
		if (!match) continue;
		const [, name, raw] = match;
		const quoted = /^(["'])(.*)\1$/.exec(raw);
		vars[name] = quoted ? quoted[2] : raw;
	}
	return vars;
}
