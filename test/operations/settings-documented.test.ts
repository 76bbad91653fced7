/** Every setting the receiver reads is documented in the README's tables, and every secret in .dev.vars.example. */
import { describe, expect, it } from "vitest";
import devVars from "../../.dev.vars.example?raw";
import readme from "../../README.md?raw";
import { SETTING_NAMES } from "../../src/settings";

describe("settings and their documentation", () => {
	it.each(SETTING_NAMES)("documents %s in a README table", (name) => {
		expect(readme).toMatch(new RegExp(`^\\| \`${name}\` \\|`, "m"));
	});

	it("lists in .dev.vars.example only settings the receiver reads (and the dev-only ES512 key)", () => {
		const listed = [...devVars.matchAll(/^([A-Z_0-9]+)=/gm)].map((m) => m[1]);
		expect(listed.filter((n) => !(SETTING_NAMES as string[]).includes(n))).toEqual(["DEV_QITECH_ES512_PRIVATE_KEY"]);
	});
});
