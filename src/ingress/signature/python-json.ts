import { endOfJsonString } from "../../json-text";

/**
 * Re-serialise a JSON text the way Python's `json.dumps(json.loads(text))` does
 * (separators ", " and ": ", non-ASCII escaped, floats in Python's repr), because QI Tech's
 * ES512 page computes `payload_md5` over that form rather than over the raw bytes.
 * Number lexemes are kept from the text: Python keeps 150.00 a float ("150.0").
 */
export function pythonJsonDumps(text: string): string {
	return dumps(text, false);
}

/**
 * Whether each number and string of the text reads back as written: a number denotes the same
 * decimal value as Python's form of it (150.00 and 150.0 do; 0.29999999999999999 and 0.3 do not),
 * and a string is written in plain JSON or Python's escaping (no `\u0041` for `A`). Only then does
 * an MD5 of Python's form bind the raw text that is stored and forwarded.
 */
export function roundTrips(text: string): boolean {
	try {
		dumps(text, true);
		return true;
	} catch {
		return false;
	}
}

function dumps(text: string, exact: boolean): string {
	const out: string[] = [];
	let i = 0;

	const skipSpace = () => {
		while (i < text.length && (text[i] === " " || text[i] === "\n" || text[i] === "\r" || text[i] === "\t")) i++;
	};
	const expect = (char: string) => {
		skipSpace();
		if (text[i] !== char) throw new SyntaxError(`expected ${char} at ${i}`);
		i++;
	};
	const string = () => {
		skipSpace();
		const start = i;
		if (text[i] !== '"') throw new SyntaxError(`expected string at ${i}`);
		i = endOfJsonString(text, i);
		const raw = text.slice(start, i);
		const value = JSON.parse(raw) as string;
		const python = pythonString(value);
		if (exact && raw !== python && raw !== JSON.stringify(value)) throw new SyntaxError(`string at ${start}`);
		out.push(python);
	};
	const container = (open: string, close: string, member: () => void) => {
		i++;
		out.push(open);
		skipSpace();
		if (text[i] === close) {
			i++;
			out.push(close);
			return;
		}
		for (;;) {
			member();
			skipSpace();
			if (text[i] === ",") {
				i++;
				out.push(", ");
				continue;
			}
			expect(close);
			out.push(close);
			return;
		}
	};
	const value = (): void => {
		skipSpace();
		const c = text[i];
		if (c === "{") {
			container("{", "}", () => {
				string();
				expect(":");
				out.push(": ");
				value();
			});
			return;
		}
		if (c === "[") {
			container("[", "]", value);
			return;
		}
		if (c === '"') {
			string();
			return;
		}
		for (const literal of ["true", "false", "null"]) {
			if (text.startsWith(literal, i)) {
				i += literal.length;
				out.push(literal);
				return;
			}
		}
		NUMBER.lastIndex = i;
		const match = NUMBER.exec(text);
		if (!match) throw new SyntaxError(`unexpected character at ${i}`);
		i += match[0].length;
		const python = pythonNumber(match[0]);
		if (exact && !sameDecimal(match[0], python)) throw new SyntaxError(`number at ${i - match[0].length}`);
		out.push(python);
	};

	value();
	skipSpace();
	if (i !== text.length) throw new SyntaxError(`trailing characters at ${i}`);
	return out.join("");
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** Two decimal numerals of the same value: digits without leading or trailing zeros, and exponent. */
function sameDecimal(a: string, b: string): boolean {
	const [da, ea] = decimal(a);
	const [db, eb] = decimal(b);
	return da === db && (da === "0" || ea === eb);
}

function decimal(numeral: string): [string, number] {
	const [, sign, whole, fraction = "", exponent = "0"] =
		/^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(numeral) ?? [];
	const digits = `${whole}${fraction}`;
	const lead = digits.length - digits.replace(/^0+/, "").length;
	const trimmed = digits.replace(/^0+/, "").replace(/0+$/, "");
	if (trimmed === "") return ["0", 0];
	// The value is 0.<trimmed> × 10^point.
	const point = whole.length + Number(exponent) - lead;
	return [`${sign}${trimmed}`, point];
}

function pythonString(value: string): string {
	let out = '"';
	for (let k = 0; k < value.length; k++) {
		const code = value.charCodeAt(k);
		const char = value[k];
		if (char === '"') out += '\\"';
		else if (char === "\\") out += "\\\\";
		else if (char === "\n") out += "\\n";
		else if (char === "\r") out += "\\r";
		else if (char === "\t") out += "\\t";
		else if (char === "\b") out += "\\b";
		else if (char === "\f") out += "\\f";
		else if (code < 0x20 || code > 0x7e) out += `\\u${code.toString(16).padStart(4, "0")}`;
		else out += char;
	}
	return `${out}"`;
}

function pythonNumber(lexeme: string): string {
	if (!/[.eE]/.test(lexeme)) return lexeme === "-0" ? "0" : lexeme;
	return pythonFloatRepr(Number(lexeme));
}

/** Python's repr(float): shortest round-trip digits, fixed when -4 <= exponent < 16. */
export function pythonFloatRepr(x: number): string {
	if (Number.isNaN(x)) return "NaN";
	if (!Number.isFinite(x)) return x > 0 ? "Infinity" : "-Infinity";
	if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
	const [mantissa, exponentText] = x.toExponential().split("e");
	const exponent = Number(exponentText);
	const negative = mantissa.startsWith("-");
	const digits = mantissa.replace("-", "").replace(".", "");
	const sign = negative ? "-" : "";
	if (exponent >= -4 && exponent < 16) {
		if (exponent < 0) return `${sign}0.${"0".repeat(-exponent - 1)}${digits}`;
		const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, "0");
		const fraction = digits.slice(exponent + 1) || "0";
		return `${sign}${whole}.${fraction}`;
	}
	const rest = digits.slice(1);
	const exp = `${exponent < 0 ? "-" : "+"}${String(Math.abs(exponent)).padStart(2, "0")}`;
	return `${sign}${digits[0]}${rest ? `.${rest}` : ""}e${exp}`;
}
