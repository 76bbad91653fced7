/** Which URLs a destination may have: https to a public host, never a local name or special-purpose address (SSRF). */
import { ApiError } from "../errors";
import { specialPurposeRange } from "./special-addresses";

export { isSpecialPurposeAddress } from "./special-addresses";

/** With ALLOW_INSECURE_DESTINATIONS, exactly these hosts, over http or https, on any port. */
const LOCAL_DEVELOPMENT_HOSTS = new Set(["localhost", "127.0.0.1"]);

// Cloud metadata services answer on these names inside their networks (GCP, AWS); metadata.google.internal and
// instance-data.ec2.internal fall under `.internal`. Azure has no metadata name (169.254.169.254 only), and
// metadata.azure.com is a public Microsoft name, so it is left to the address rules.
const LOCAL_NAMES = new Set(["localhost", "metadata", "instance-data"]);
const LOCAL_SUFFIXES = [".localhost", ".internal", ".local", ".home.arpa", ".localdomain"];

/**
 * The parsed URL, or an `invalid_request` ApiError saying why it may not be a destination. The WHATWG parser has
 * already turned `0x7f.1`, `2130706433` and `127.0.0.1.` into `127.0.0.1` and compressed IPv6 literals; the rules
 * read `url.hostname`, never the raw text.
 */
export function checkDestinationUrl(raw: string, allowInsecureLocal: boolean): URL {
	const url = parsed(raw);
	if (url.username || url.password) throw refused("must not carry credentials");
	if (allowInsecureLocal && isLocalDevelopment(url)) return url;
	if (url.protocol !== "https:") throw refused("must use https");
	checkHost(url.hostname);
	return url;
}

function parsed(raw: string): URL {
	try {
		return new URL(raw);
	} catch {
		throw refused("is not a URL");
	}
}

function isLocalDevelopment(url: URL): boolean {
	return (url.protocol === "http:" || url.protocol === "https:") && LOCAL_DEVELOPMENT_HOSTS.has(url.hostname);
}

function checkHost(hostname: string): void {
	const host = hostname.toLowerCase().replace(/\.$/, "");
	const range = specialPurposeRange(host);
	if (range !== null) throw refused(`points at a special-purpose address (${range})`);
	if (host.startsWith("[") || /^[\d.]+$/.test(host)) return;
	if (host.split(".").includes("")) throw refused("has an empty label in its host name");
	if (LOCAL_NAMES.has(host) || LOCAL_SUFFIXES.some((suffix) => host.endsWith(suffix))) {
		throw refused("points at a local or cloud metadata host");
	}
	// A single label resolves through the receiver's own search domains, never to a partner.
	if (!host.includes(".")) throw refused("must name a fully qualified host");
}

function refused(why: string): ApiError {
	return new ApiError("invalid_request", `the destination URL ${why}`);
}
