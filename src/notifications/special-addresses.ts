/**
 * IANA's IPv4 and IPv6 Special-Purpose Address Registries, as tables. Every range is refused as a destination,
 * whatever its "globally reachable" flag: no partner's endpoint lives in one, and several reach the receiver's own
 * network (loopback, link-local metadata at 169.254.169.254) directly or through an embedding (NAT64, 6to4, mapped).
 */

interface Range {
	cidr: string;
	name: string;
	/** Where an IPv4 address sits inside this IPv6 range: the shift that brings its 32 bits to the bottom. */
	embedsIPv4At?: bigint;
}

// A block that holds more specific registry entries is listed once, the entries named beside it. First match names.
const IPV4_RANGES: Range[] = [
	{ cidr: "0.0.0.0/8", name: '"This network"' }, // incl. 0.0.0.0/32 "This host on this network"
	{ cidr: "10.0.0.0/8", name: "Private-Use" },
	{ cidr: "100.64.0.0/10", name: "Shared Address Space" },
	{ cidr: "127.0.0.0/8", name: "Loopback" },
	{ cidr: "169.254.0.0/16", name: "Link Local" },
	{ cidr: "172.16.0.0/12", name: "Private-Use" },
	// incl. 192.0.0.0/29 IPv4 Service Continuity Prefix, .8 dummy, .9 PCP anycast, .10 TURN anycast,
	// .170 and .171 NAT64/DNS64 Discovery
	{ cidr: "192.0.0.0/24", name: "IETF Protocol Assignments" },
	{ cidr: "192.0.2.0/24", name: "Documentation (TEST-NET-1)" },
	{ cidr: "192.31.196.0/24", name: "AS112-v4" },
	{ cidr: "192.52.193.0/24", name: "AMT" },
	{ cidr: "192.88.99.0/24", name: "Deprecated (6to4 Relay Anycast)" }, // incl. 192.88.99.2/32 6a44-relay anycast
	{ cidr: "192.168.0.0/16", name: "Private-Use" },
	{ cidr: "192.175.48.0/24", name: "Direct Delegation AS112 Service" },
	{ cidr: "198.18.0.0/15", name: "Benchmarking" },
	{ cidr: "198.51.100.0/24", name: "Documentation (TEST-NET-2)" },
	{ cidr: "203.0.113.0/24", name: "Documentation (TEST-NET-3)" },
	{ cidr: "224.0.0.0/4", name: "Multicast" }, // IANA's multicast registry, not the special-purpose one
	{ cidr: "255.255.255.255/32", name: "Limited Broadcast" }, // before 240.0.0.0/4, which holds it
	{ cidr: "240.0.0.0/4", name: "Reserved" },
];

// Most specific first, so ::1 is named Loopback rather than IPv4-compatible.
const IPV6_RANGES: Range[] = [
	{ cidr: "::/128", name: "Unspecified Address" },
	{ cidr: "::1/128", name: "Loopback Address" },
	{ cidr: "::ffff:0:0/96", name: "IPv4-mapped Address", embedsIPv4At: 0n },
	{ cidr: "::/96", name: "IPv4-compatible Address (deprecated)", embedsIPv4At: 0n },
	{ cidr: "64:ff9b::/96", name: "IPv4-IPv6 Translation (NAT64)", embedsIPv4At: 0n },
	{ cidr: "64:ff9b:1::/48", name: "Local-Use IPv4/IPv6 Translation" },
	{ cidr: "100::/64", name: "Discard-Only Address Block" },
	{ cidr: "100:0:0:1::/64", name: "Dummy IPv6 Prefix" },
	// incl. Teredo 2001::/32, PCP and TURN anycast 2001:1::1-3, Benchmarking 2001:2::/48, AMT 2001:3::/32,
	// AS112-v6 2001:4:112::/48, ORCHID 2001:10::/28, ORCHIDv2 2001:20::/28, Drone Remote ID 2001:30::/28
	{ cidr: "2001::/23", name: "IETF Protocol Assignments" },
	{ cidr: "2001:db8::/32", name: "Documentation" },
	{ cidr: "2002::/16", name: "6to4", embedsIPv4At: 80n },
	{ cidr: "2620:4f:8000::/48", name: "Direct Delegation AS112 Service" },
	{ cidr: "3fff::/20", name: "Documentation" },
	{ cidr: "5f00::/16", name: "Segment Routing (SRv6) SIDs" },
	{ cidr: "fc00::/7", name: "Unique-Local" },
	{ cidr: "fe80::/10", name: "Link-Local Unicast" },
	{ cidr: "fec0::/10", name: "Site-Local (deprecated)" },
	{ cidr: "ff00::/8", name: "Multicast" },
];

interface Prefix extends Range {
	base: bigint;
	shift: bigint;
}

function prefixes(ranges: Range[], width: bigint, parse: (text: string) => bigint | null): Prefix[] {
	return ranges.map((range) => {
		const [address, length] = range.cidr.split("/");
		const base = parse(address);
		if (base === null) throw new Error(`bad range ${range.cidr}`);
		return { ...range, base, shift: width - BigInt(length) };
	});
}

const DOTTED_QUAD = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** A canonical dotted-quad IPv4 address (what the URL parser writes), or null. */
export function parseIPv4(text: string): bigint | null {
	if (!DOTTED_QUAD.test(text)) return null;
	return text.split(".").reduce((value, octet) => (value << 8n) | BigInt(octet), 0n);
}

/** An IPv6 address, with `::` compression and an optional dotted IPv4 tail, as its 128 bits; or null. */
export function parseIPv6(text: string): bigint | null {
	const withTail = /^(.*:)([^:]*\.[^:]*)$/.exec(text);
	let hex = text;
	if (withTail) {
		const v4 = parseIPv4(withTail[2]);
		if (v4 === null) return null;
		hex = `${withTail[1]}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
	}
	const halves = hex.split("::");
	if (halves.length > 2) return null;
	const head = groupsOf(halves[0]);
	const tail = halves.length === 2 ? groupsOf(halves[1]) : [];
	if (head === null || tail === null) return null;
	const missing = 8 - head.length - tail.length;
	if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
	const groups = [...head, ...new Array<number>(missing).fill(0), ...tail];
	return groups.reduce((value, group) => (value << 16n) | BigInt(group), 0n);
}

function groupsOf(part: string): number[] | null {
	if (part === "") return [];
	const groups = part.split(":");
	return groups.every((group) => /^[0-9a-f]{1,4}$/i.test(group))
		? groups.map((group) => Number.parseInt(group, 16))
		: null;
}

const IPV4_PREFIXES = prefixes(IPV4_RANGES, 32n, parseIPv4);
const IPV6_PREFIXES = prefixes(IPV6_RANGES, 128n, parseIPv6);
const GLOBAL_UNICAST = prefixes([{ cidr: "2000::/3", name: "Global Unicast" }], 128n, parseIPv6)[0];

function rangeOf(address: bigint, table: Prefix[]): Prefix | undefined {
	return table.find((prefix) => address >> prefix.shift === prefix.base >> prefix.shift);
}

function ipv6RangeName(address: bigint): string | null {
	const range = rangeOf(address, IPV6_PREFIXES);
	if (range?.embedsIPv4At !== undefined) {
		const embedded = rangeOf((address >> range.embedsIPv4At) & 0xffffffffn, IPV4_PREFIXES);
		return embedded ? `${range.name} of ${embedded.name}` : range.name;
	}
	if (range) return range.name;
	// Everything outside 2000::/3 is reserved by the IETF (IANA's IPv6 Address Space): nothing public lives there.
	return rangeOf(address, [GLOBAL_UNICAST]) ? null : "Reserved by IETF";
}

/** The WHATWG URL parser reads a host whose last label is a number as IPv4 (`0x7f.1`, `2130706433`). */
const ENDS_IN_A_NUMBER = /(?:^|\.)(?:\d+|0x[0-9a-f]*)$/i;

/**
 * The registry's name for the range an IP literal falls in (brackets and one trailing dot optional), or null for a
 * public address or a host name. A literal that does not parse, or an IPv4 literal in a form other than the canonical
 * dotted quad, is refused too: only the URL parser may say which address it means.
 */
export function specialPurposeRange(host: string): string | null {
	const literal = host.replace(/^\[(.*)\]$/, "$1").replace(/\.$/, "");
	if (literal.includes(":")) {
		const v6 = parseIPv6(literal);
		return v6 === null ? "malformed IPv6 literal" : ipv6RangeName(v6);
	}
	const v4 = parseIPv4(literal);
	if (v4 !== null) return rangeOf(v4, IPV4_PREFIXES)?.name ?? null;
	return ENDS_IN_A_NUMBER.test(literal) ? "non-canonical IPv4 literal" : null;
}

/** Whether a host (IPv4 or IPv6 literal, brackets optional) is a special-purpose address; false for host names. */
export function isSpecialPurposeAddress(host: string): boolean {
	return specialPurposeRange(host) !== null;
}
