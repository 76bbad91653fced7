import { describe, expect, it } from "vitest";
import { ApiError } from "../../src/errors";
import { checkDestinationUrl, isSpecialPurposeAddress } from "../../src/notifications/destination-url";

function refusal(raw: string, allowInsecureLocal = false): ApiError {
	try {
		checkDestinationUrl(raw, allowInsecureLocal);
	} catch (error) {
		if (error instanceof ApiError) return error;
		throw error;
	}
	throw new Error(`${raw} was accepted`);
}

function expectRefused(raw: string, allowInsecureLocal = false): void {
	const error = refusal(raw, allowInsecureLocal);
	expect(error.code).toBe("invalid_request");
	expect(error.status).toBe(400);
	expect(error.message).toMatch(/^the destination URL /);
}

describe("destination URLs the security review found accepted", () => {
	it.each([
		"https://metadata.google.internal./",
		"https://[64:ff9b::a9fe:a9fe]/",
		"https://[::127.0.0.1]/",
		"https://192.0.0.1/",
		"https://[fec0::1]/",
		"https://[2002:a9fe:a9fe::]/",
	])("refuses %s", (raw) => expectRefused(raw));

	it("names the range an embedded address falls in", () => {
		expect(refusal("https://[2002:a9fe:a9fe::]/").message).toContain("6to4 of Link Local");
		expect(refusal("https://[64:ff9b::a9fe:a9fe]/").message).toContain("NAT64) of Link Local");
	});
});

describe("IPv4 special-purpose ranges", () => {
	it.each([
		["0.0.0.0", '"This network"'],
		["0.255.255.255", '"This network"'],
		["10.1.2.3", "Private-Use"],
		["100.64.0.0", "Shared Address Space"],
		["100.127.255.255", "Shared Address Space"],
		["127.0.0.1", "Loopback"],
		["127.255.255.254", "Loopback"],
		["169.254.169.254", "Link Local"],
		["172.16.0.0", "Private-Use"],
		["172.31.255.255", "Private-Use"],
		["192.0.0.8", "IETF Protocol Assignments"],
		["192.0.0.9", "IETF Protocol Assignments"],
		["192.0.0.10", "IETF Protocol Assignments"],
		["192.0.0.170", "IETF Protocol Assignments"],
		["192.0.0.171", "IETF Protocol Assignments"],
		["192.0.0.255", "IETF Protocol Assignments"],
		["192.0.2.1", "Documentation (TEST-NET-1)"],
		["192.31.196.1", "AS112-v4"],
		["192.52.193.1", "AMT"],
		["192.88.99.2", "Deprecated (6to4 Relay Anycast)"],
		["192.168.0.10", "Private-Use"],
		["192.175.48.1", "Direct Delegation AS112 Service"],
		["198.18.0.0", "Benchmarking"],
		["198.19.255.255", "Benchmarking"],
		["198.51.100.7", "Documentation (TEST-NET-2)"],
		["203.0.113.7", "Documentation (TEST-NET-3)"],
		["224.0.0.1", "Multicast"],
		["239.255.255.255", "Multicast"],
		["240.0.0.1", "Reserved"],
		["255.255.255.255", "Limited Broadcast"],
	])("refuses %s (%s)", (address, name) => {
		expect(refusal(`https://${address}/hook`).message).toBe(
			`the destination URL points at a special-purpose address (${name})`,
		);
	});

	it.each([
		"1.1.1.1",
		"8.8.8.8",
		"9.255.255.255",
		"11.0.0.0",
		"100.63.255.255",
		"100.128.0.0",
		"126.255.255.255",
		"128.0.0.0",
		"169.253.255.255",
		"169.255.0.0",
		"172.15.255.255",
		"172.32.0.0",
		"192.0.1.0",
		"192.167.255.255",
		"192.169.0.0",
		"198.17.255.255",
		"198.20.0.0",
		"223.255.255.255",
	])("allows the public address %s", (address) => {
		expect(checkDestinationUrl(`https://${address}/hook`, false).hostname).toBe(address);
	});

	it.each([
		"https://0x7f000001/",
		"https://2130706433/",
		"https://127.1/",
		"https://0177.0.0.1/",
		"https://0x7f.0.0.1/",
	])("refuses the non-canonical loopback %s", (raw) => expect(refusal(raw).message).toContain("(Loopback)"));

	it.each(["https://127.0.0.1./", "https://127.0.0.1../", "https://169.254.169.254./latest/meta-data"])(
		"refuses %s despite its trailing dots",
		(raw) => expectRefused(raw),
	);
});

describe("IPv6 special-purpose ranges", () => {
	it.each([
		["::", "Unspecified Address"],
		["::1", "Loopback Address"],
		["::ffff:127.0.0.1", "IPv4-mapped Address of Loopback"],
		["::ffff:7f00:1", "IPv4-mapped Address of Loopback"],
		["::ffff:10.0.0.1", "IPv4-mapped Address of Private-Use"],
		["::ffff:8.8.8.8", "IPv4-mapped Address"],
		["::8.8.8.8", "IPv4-compatible Address (deprecated)"],
		["64:ff9b::808:808", "IPv4-IPv6 Translation (NAT64)"],
		["64:ff9b:1::1", "Local-Use IPv4/IPv6 Translation"],
		["100::1", "Discard-Only Address Block"],
		["2001::1", "IETF Protocol Assignments"],
		["2001:1::1", "IETF Protocol Assignments"],
		["2001:1ff:ffff:ffff:ffff:ffff:ffff:ffff", "IETF Protocol Assignments"],
		["2001:db8::1", "Documentation"],
		["2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", "Documentation"],
		["2002:808:808::1", "6to4"],
		["2620:4f:8000::1", "Direct Delegation AS112 Service"],
		["3fff::1", "Documentation"],
		["3fff:fff:ffff::1", "Documentation"],
		["5f00::1", "Segment Routing (SRv6) SIDs"],
		["fc00::1", "Unique-Local"],
		["fd00:ec2::254", "Unique-Local"],
		["fe80::1", "Link-Local Unicast"],
		["febf:ffff::1", "Link-Local Unicast"],
		["fec0::1", "Site-Local (deprecated)"],
		["ff02::1", "Multicast"],
		["fe00::1", "Reserved by IETF"],
		["1fff:ffff::1", "Reserved by IETF"],
	])("refuses [%s] (%s)", (address, name) => {
		expect(refusal(`https://[${address}]/hook`).message).toBe(
			`the destination URL points at a special-purpose address (${name})`,
		);
	});

	it.each([
		"2606:4700:4700::1111",
		"2001:4860:4860::8888",
		"2001:200::1",
		"2001:db7:ffff::1",
		"2001:db9::1",
		"2003::1",
		"3fff:1000::1",
	])("allows the public address [%s]", (address) => {
		expect(checkDestinationUrl(`https://[${address}]:8443/hook`, false).port).toBe("8443");
	});
});

describe("host names", () => {
	it.each([
		"https://partner.example/hook",
		"https://partner.example./hook",
		"https://partner.example:8443/hook",
		"https://PARTNER.Example./hook",
		"https://hooks.partner.com.br/qitech",
	])("allows %s", (raw) => {
		expect(checkDestinationUrl(raw, false).protocol).toBe("https:");
	});

	const LOCAL = "points at a local or cloud metadata host";
	it.each([
		["https://localhost/hook", LOCAL],
		["https://localhost./hook", LOCAL],
		["https://LOCALHOST:8443/hook", LOCAL],
		["https://ⓛocalhost/hook", LOCAL],
		["https://api.localhost/hook", LOCAL],
		["https://metadata/computeMetadata/v1/", LOCAL],
		["https://metadata.google.internal/", LOCAL],
		["https://instance-data/latest/meta-data", LOCAL],
		["https://instance-data.ec2.internal/", LOCAL],
		["https://printer.local/", LOCAL],
		["https://nas.home.arpa/", LOCAL],
		["https://box.localdomain/", LOCAL],
		["https://intranet/hook", "must name a fully qualified host"],
		["https://partner.example../hook", "has an empty label in its host name"],
		["https://partner..example/hook", "has an empty label in its host name"],
	])("refuses %s", (raw, why) => {
		expect(refusal(raw).message).toBe(`the destination URL ${why}`);
	});
});

describe("scheme, credentials and garbage", () => {
	const NOT_A_URL = "is not a URL";
	it.each([
		["http://partner.example/hook", "must use https"],
		["ftp://partner.example/hook", "must use https"],
		["javascript:alert(1)", "must use https"],
		["https://user:secret@partner.example/hook", "must not carry credentials"],
		["https://user@partner.example/hook", "must not carry credentials"],
		["", NOT_A_URL],
		["partner.example/hook", NOT_A_URL],
		["//partner.example/hook", NOT_A_URL],
		["https://", NOT_A_URL],
		["https://exa mple.com/", NOT_A_URL],
		["https://[::1/", NOT_A_URL],
		["https://[1:2:3:4:5:6:7:8:9]/", NOT_A_URL],
		["https://1.2.3.4.5/", NOT_A_URL],
		["https://256.0.0.1/", NOT_A_URL],
	])("refuses %j", (raw, why) => {
		expect(refusal(raw).message).toBe(`the destination URL ${why}`);
	});
});

describe("local development (ALLOW_INSECURE_DESTINATIONS)", () => {
	it.each([
		"http://localhost:9000/hook",
		"https://localhost/hook",
		"http://127.0.0.1:8080/hook",
		"https://127.0.0.1/hook",
	])("allows %s", (raw) => {
		expect(() => checkDestinationUrl(raw, false)).toThrow(ApiError);
		expect(checkDestinationUrl(raw, true).href).toBe(raw);
	});

	it.each([
		"http://[::1]:9000/hook",
		"http://10.0.0.5/hook",
		"http://192.168.1.1/hook",
		"http://api.localhost/hook",
		"http://partner.example/hook",
		"http://user:secret@localhost:9000/hook",
		"ftp://localhost/hook",
	])("still refuses %s", (raw) => expectRefused(raw, true));
});

describe("isSpecialPurposeAddress (the check at send time)", () => {
	it.each([
		["127.0.0.1", true],
		["169.254.169.254", true],
		["[::1]", true],
		["::1", true],
		["::ffff:1.2.3.4", true],
		["[fd00:ec2::254]", true],
		["010.0.0.1", true],
		["0x7f000001", true],
		["1:2:3", true],
		["::ffff:01.2.3.4", true],
		["8.8.8.8", false],
		["2606:4700:4700::1111", false],
		["[2606:4700:4700::1111]", false],
		["partner.example", false],
	])("%s → %s", (host, expected) => {
		expect(isSpecialPurposeAddress(host)).toBe(expected);
	});
});
