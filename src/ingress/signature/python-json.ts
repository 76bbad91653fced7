/**
 * Re-serialise a JSON text the way Python's `json.dumps(json.loads(text))` does
 * (separators ", " and ": ", non-ASCII escaped, floats in Python's repr), because QI Tech's
 * ES512 page computes `payload_md5` over that form rather than over the raw bytes.
 * Number lexemes are kept from the text: Python keeps 150.00 a float ("150.0").
 */
export function pythonJsonDumps(text: string): string {
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
		i++;
		while (i < text.length && text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
		i++;
		out.push(pythonString(JSON.parse(text.slice(start, i)) as string));
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
		out.push(pythonNumber(match[0]));
	};

	value();
	skipSpace();
	if (i !== text.length) throw new SyntaxError(`trailing characters at ${i}`);
	return out.join("");
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

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
