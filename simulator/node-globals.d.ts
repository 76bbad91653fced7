/// <reference types="node" />
// The shared signer names WebCrypto's key type as workerd and browsers do; Node has it under crypto.
declare global {
	type CryptoKey = import("node:crypto").webcrypto.CryptoKey;
}

export {};
