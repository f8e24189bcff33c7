// Helpers for end-to-end tests against the real local store: start/stop `lasso-server dev` and
// read objects back with boto3 (a separate S3 client, from the test venv).
import { spawn, execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import net from "node:net";
import { ROOT, scratchDir } from "./support.js";

export const TOKEN = "lasso-dev-token";

let binary;
/** The lasso-server executable: $LASSO_SERVER_BIN, or built (debug) by cargo. */
export function serverBinary() {
  if (process.env.LASSO_SERVER_BIN) return process.env.LASSO_SERVER_BIN;
  if (binary) return binary;
  const out = execFileSync(
    "cargo",
    ["build", "-q", "-p", "lasso-server", "--bin", "lasso-server", "--message-format=json"],
    { cwd: ROOT, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
  );
  for (const line of out.split("\n")) {
    if (!line.trim()) continue;
    const msg = JSON.parse(line);
    if (msg.reason === "compiler-artifact" && msg.executable && msg.target.name === "lasso-server") {
      binary = msg.executable;
      return binary;
    }
  }
  throw new Error("cargo did not report the lasso-server executable");
}

/** A free loopback port. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** A fresh data directory for one test. */
export function tempDataDir() {
  // The store is a folder inside the scratch dir so that files written beside it (users) go too.
  const dir = path.join(scratchDir("lasso-e2e-"), "store");
  fs.mkdirSync(dir);
  return dir;
}

/**
 * Starts `lasso-server dev` and resolves when it is ready, to
 * `{s3, api, bucket, accessKey, secretKey, stop()}`.
 */
export function startServer({ dataDir, s3Port = 0, apiPort = 0, expiresSecs, seed, users, project, overlap, oidc } = {}) {
  const args = ["dev", "--data-dir", dataDir, "--s3-port", String(s3Port), "--port", String(apiPort)];
  if (expiresSecs) args.push("--expires-secs", String(expiresSecs));
  if (seed) args.push("--seed", seed);
  if (users) {
    // Beside the store's directory, not in it: its entries are buckets.
    const file = `${dataDir}-users.json`;
    fs.writeFileSync(file, JSON.stringify(users));
    args.push("--users", file);
  }
  if (project) args.push("--project", project);
  if (overlap) args.push("--overlap", String(overlap));
  if (oidc) args.push("--oidc-issuer", oidc.url, "--oidc-audience", oidc.clientId, "--oidc-algorithms", "ES256");
  const proc = spawn(serverBinary(), args, { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  proc.stderr.on("data", (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    const info = {};
    let buffered = "";
    const timer = setTimeout(() => reject(new Error(`lasso-server did not start: ${stderr}`)), 30000);
    proc.on("exit", (code) => reject(new Error(`lasso-server exited (${code}): ${stderr}`)));
    proc.stdout.on("data", (chunk) => {
      buffered += chunk;
      let nl;
      while ((nl = buffered.indexOf("\n")) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        const words = line.split(/\s+/);
        if (line.startsWith("lasso-server: s3 ")) {
          Object.assign(info, { s3: words[2], bucket: words[4], accessKey: words[6], secretKey: words[8] });
        } else if (line.startsWith("lasso-server: api ")) {
          info.api = words[2];
        } else if (line.startsWith("lasso-server: user ")) {
          info.users = { ...info.users, [words[2]]: { token: words[4], roles: words[6] } };
        } else if (line.startsWith("lasso-server: ready")) {
          clearTimeout(timer);
          info.stop = () =>
            new Promise((r) => {
              if (proc.exitCode !== null) return r();
              proc.removeAllListeners("exit");
              proc.once("exit", () => r());
              proc.kill("SIGTERM");
            });
          resolve(info);
        }
      }
    });
  });
}

const READER = `
import base64, hashlib, json, sys, boto3
from botocore.config import Config
info = json.loads(sys.argv[1])
s3 = boto3.client("s3", endpoint_url=info["s3"], aws_access_key_id=info["accessKey"],
                  aws_secret_access_key=info["secretKey"], region_name="us-east-1",
                  config=Config(s3={"addressing_style": "path"}))
if info["op"] == "put":
    s3.put_object(Bucket=info["bucket"], Key=info["key"], Body=base64.b64decode(info["body"]),
                  ContentType="application/json")
    print("{}")
elif info["op"] == "list":
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=info["bucket"], Prefix=info["prefix"])
    print(json.dumps([o["Key"] for p in pages for o in p.get("Contents", [])]))
else:
    obj = s3.get_object(Bucket=info["bucket"], Key=info["key"])
    body = obj["Body"].read()
    out = {"contentType": obj["ContentType"], "size": len(body), "sha256": hashlib.sha256(body).hexdigest()}
    if info.get("withBody"):
        out["body"] = base64.b64encode(body).decode()
    print(json.dumps(out))
`;

function python() {
  const venv = path.join(ROOT, ".venv/bin/python");
  if (!fs.existsSync(venv)) throw new Error(".venv is missing: run `cargo xtask setup`");
  return venv;
}

/** Reads an object with boto3: `{contentType, size, sha256, body?: Buffer}`. */
export function s3Get(server, key, { withBody = false } = {}) {
  const out = execFileSync(
    python(),
    ["-c", READER, JSON.stringify({ ...server, stop: undefined, op: "get", key, withBody })],
    { encoding: "utf8", maxBuffer: 256 * 1024 * 1024, stdio: ["ignore", "pipe", "pipe"] },
  );
  const obj = JSON.parse(out);
  if (obj.body !== undefined) obj.body = Buffer.from(obj.body, "base64");
  return obj;
}

/** Writes a JSON object with boto3 (what a script with the bucket's keys would write). */
export function s3PutJson(server, key, value) {
  const body = Buffer.from(JSON.stringify(value)).toString("base64");
  execFileSync(python(), ["-c", READER, JSON.stringify({ ...server, stop: undefined, op: "put", key, body })], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** Lists keys under `prefix` with boto3. */
export function s3List(server, prefix) {
  const out = execFileSync(
    python(),
    ["-c", READER, JSON.stringify({ ...server, stop: undefined, op: "list", prefix })],
    { encoding: "utf8" },
  );
  return JSON.parse(out);
}

/** The app URL configured for a server (and a project, for team work). */
export function appUrl(staticUrl, server, user = "dev", project) {
  const token = server.users?.[user]?.token ?? TOKEN;
  const q = new URLSearchParams({ presign: server.api, token, user });
  if (project) q.set("project", project);
  return `${staticUrl}/?${q}`;
}

/**
 * Opens the app at `staticUrl` for `user` of `server` in `project`, in a new page of `context`;
 * resolves once the page is ready. The page's uncaught errors collect in `page.errors`.
 */
export async function openProject(context, staticUrl, server, user, project = "demo") {
  const page = await context.newPage();
  page.errors = [];
  page.on("pageerror", (e) => page.errors.push(String(e)));
  await page.goto(appUrl(staticUrl, server, user, project));
  await page.waitForFunction(() => window.lasso && document.body.dataset.ready === "true");
  return page;
}

/** Waits until the upload status line says everything is uploaded. */
export async function waitUploaded(page, timeout = 30000) {
  await page.waitForSelector('.lasso-upload[data-state="idle"]', { timeout });
}
