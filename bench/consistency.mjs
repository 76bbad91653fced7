// After the load: every event the receiver answered `accepted` or `stale` is in D1 exactly once
// (with that result) and was sent to the events Queue exactly once; a `duplicate` answer added
// nothing anywhere. `answers` are the receiver's raw answers, "<status> <body>" when not 200;
// `issued` the event_ids of every webhook built for it; `unread` those whose answer was never
// read because the load stopped with them in flight: either recorded in full or not at all.
// And every webhook answered 200 left its receipt in the audit trail.
const SHOWN = 5;

function tallyAnswers(answers) {
	const recorded = new Map(); // event_id → results answered accepted/stale, in order
	const duplicates = new Set();
	const failed = [];
	let duplicateAnswers = 0;
	for (const answer of answers) {
		if (!answer.startsWith("{")) {
			failed.push(answer.slice(0, 200));
			continue;
		}
		const { result, event_id } = JSON.parse(answer);
		if (result === "duplicate") {
			duplicates.add(event_id);
			duplicateAnswers++;
		} else recorded.set(event_id, [...(recorded.get(event_id) ?? []), result]);
	}
	return { recorded, duplicates, failed, duplicateAnswers };
}

async function d1History(db) {
	const { results } = await db.prepare("SELECT event_id, result FROM events WHERE event_id NOT LIKE 'bulk-%'").all();
	return new Map(results.map((r) => [r.event_id, r.result]));
}

async function receiptsOfAnsweredWebhooks(db) {
	const row = await db
		.prepare("SELECT count(*) AS n FROM receipts WHERE outcome IN ('accepted', 'duplicate', 'stale')")
		.first();
	return row.n;
}

async function queueTraffic(receiverUrl) {
	const { sent, consumed } = await (await fetch(`${receiverUrl}/__bench/notifications`)).json();
	return { sent: new Map(sent), consumed: new Map(consumed) };
}

export async function checkConsistency({ answers, issued, unread, db, receiverUrl }) {
	const { recorded, duplicates, failed, duplicateAnswers } = tallyAnswers(answers);
	const inD1 = await d1History(db);
	const { sent, consumed } = await queueTraffic(receiverUrl);
	const receipts = await receiptsOfAnsweredWebhooks(db);
	const answered = answers.length - failed.length;
	const unreadRecorded = [...unread].filter((id) => !recorded.has(id) && (inD1.has(id) || sent.has(id)));
	const known = (id) => recorded.has(id) || unread.has(id);
	const problems = {
		"answered an event_id never sent to it": [...recorded.keys(), ...duplicates].filter((id) => !issued.has(id)),
		"answered other than 200": failed,
		"answered accepted/stale more than once": [...recorded].filter(([, r]) => r.length > 1).map(([id]) => id),
		"accepted/stale but not in D1": [...recorded.keys()].filter((id) => !inD1.has(id)),
		"unread, in D1 or the Queue, but not in both exactly once": unreadRecorded.filter(
			(id) => !inD1.has(id) || sent.get(id) !== 1,
		),
		"in D1 with another result than answered": [...recorded]
			.filter(([id, r]) => inD1.has(id) && inD1.get(id) !== r[0])
			.map(([id]) => id),
		"accepted/stale but not sent to the Queue exactly once": [...recorded.keys()].filter((id) => sent.get(id) !== 1),
		"sent to the Queue but never consumed": [...sent.keys()].filter((id) => !consumed.has(id)),
		"duplicate of an event never recorded": [...duplicates].filter((id) => !recorded.has(id) && !inD1.has(id)),
		"in D1 but never answered accepted/stale": [...inD1.keys()].filter((id) => !known(id)),
		"sent to the Queue but never answered accepted/stale": [...sent.keys()].filter((id) => !known(id)),
		// Counted, not matched: a request in flight at a load's end has a receipt but no read answer.
		"answered 200 but left no receipt": receipts < answered ? [`${answered - receipts} of ${answered}`] : [],
	};
	const differences = Object.fromEntries(
		Object.entries(problems)
			.filter(([, ids]) => ids.length > 0)
			.map(([what, ids]) => [what, { count: ids.length, first: ids.slice(0, SHOWN) }]),
	);
	const results = [...recorded.values()].map((r) => r[0]);
	return {
		consistent: Object.keys(differences).length === 0,
		answers: answers.length,
		accepted: results.filter((r) => r === "accepted").length,
		stale: results.filter((r) => r === "stale").length,
		duplicate_answers: duplicateAnswers,
		unread_at_stop: unread.size,
		unread_recorded: unreadRecorded.length,
		d1_rows: inD1.size,
		queue_sent: [...sent.values()].reduce((s, n) => s + n, 0),
		queue_deliveries: [...consumed.values()].reduce((s, n) => s + n, 0),
		redelivered: [...consumed.values()].filter((n) => n > 1).length,
		receipts,
		differences,
	};
}
