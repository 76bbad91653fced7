/** JSON texts as written: read and laid out without parsing them, so every lexeme stays as received. */

/** JSON's insignificant white space. */
const SPACE = " \t\n\r";

/**
 * A valid JSON text indented by two spaces, as `JSON.stringify(value, null, 2)` would lay it out,
 * but from the text itself, never parsed and written again: `150.00` stays `150.00`, a long
 * decimal or a big integer keeps its digits, a string keeps its escapes.
 */
export function indentJson(body: string): string {
	let out = "";
	let depth = 0;
	const newline = () => `\n${"  ".repeat(depth)}`;
	for (let i = 0; i < body.length; i++) {
		const ch = body[i];
		if (ch === '"') {
			const end = endOfJsonString(body, i);
			out += body.slice(i, end);
			i = end - 1;
		} else if (ch === "{" || ch === "[") {
			let j = i + 1;
			while (SPACE.includes(body[j])) j++;
			if (body[j] === "}" || body[j] === "]") {
				out += ch + body[j];
				i = j;
			} else {
				depth++;
				out += ch + newline();
			}
		} else if (ch === "}" || ch === "]") {
			depth--;
			out += newline() + ch;
		} else if (ch === ",") out += `,${newline()}`;
		else if (ch === ":") out += ": ";
		else if (!SPACE.includes(ch)) out += ch;
	}
	return out;
}

/** Where the JSON string starting at `start` (its opening quote) ends: just past its closing quote. */
export function endOfJsonString(text: string, start: number): number {
	let i = start + 1;
	while (i < text.length && text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
	return i + 1;
}
