/// <reference types="node" />
/** The signer's primitives on node:crypto, synchronous: for the simulator CLI and the bench. */
import { createHash, createHmac, createPrivateKey, type KeyObject, sign } from "node:crypto";
import type { SigningPrimitives } from "./signer";

const privateKeys = new Map<string, KeyObject>();

export const nodeCrypto = {
	hmacSha256: (key: string, data: Uint8Array) => new Uint8Array(createHmac("sha256", key).update(data).digest()),
	es512(pem: string, data: Uint8Array) {
		let key = privateKeys.get(pem);
		if (!key) {
			key = createPrivateKey(pem);
			privateKeys.set(pem, key);
		}
		return new Uint8Array(sign("sha512", data, { key, dsaEncoding: "ieee-p1363" }));
	},
	md5Hex: (data: Uint8Array) => createHash("md5").update(data).digest("hex"),
} satisfies SigningPrimitives;
