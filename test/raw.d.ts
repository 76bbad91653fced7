/** Files imported as text (Vite `?raw`), e.g. the README a test checks. */
declare module "*?raw" {
	const text: string;
	export default text;
}
