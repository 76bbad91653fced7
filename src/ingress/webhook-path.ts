/** The URL path QI Tech is given for its webhooks (README, "Deploy"). */
export const WEBHOOK_PATH = "/webhooks/qitech";
