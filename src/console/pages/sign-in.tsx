/** The sign-in form of /console when nobody is signed in: one field, `key`. */

import type { View } from "../components";
import type { Word } from "../i18n";
import { Page } from "../layout";

export function SignInPage({ view, message, access }: { view: View; message?: Word; access: boolean }) {
	const { t } = view;
	return (
		<Page view={view} title={t.signInTitle}>
			<section class="panel" aria-labelledby="h-sign-in">
				<h1 id="h-sign-in">{t.signInTitle}</h1>
				{message ? (
					<p class={message === "signedOut" ? "notice" : "notice error"} role="alert">
						{t[message]}
					</p>
				) : null}
				<p>{t.signInIntro}</p>
				<form class="stack" method="post" action="/console/sign-in">
					<label>
						{t.apiKey}
						<input name="key" type="password" required autocomplete="off" maxlength={512} spellcheck={false} />
					</label>
					<div>
						<button type="submit">{t.signIn}</button>
					</div>
				</form>
				{access ? <p class="small muted">Cloudflare Access</p> : null}
			</section>
		</Page>
	);
}
