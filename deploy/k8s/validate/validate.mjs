// Validates Kubernetes objects against the Kubernetes (kubernetes-models) and KEDA schemas,
// offline. Reads multi-document YAML on stdin, as `kubectl kustomize` prints it:
//
//   npm ci --prefix deploy/k8s/validate
//   kubectl kustomize deploy/k8s/overlays/cpu | node deploy/k8s/validate/validate.mjs
//
// Prints one line per object; exits 1 if any object is invalid or of a kind it has no schema for.
import { parseAllDocuments } from "yaml";

const PACKAGES = { "keda.sh": "@kubernetes-models/keda/keda.sh" };

async function modelFor(apiVersion, kind) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  const path = group === "" ? `kubernetes-models/${version}/${kind}`
    : PACKAGES[group] ? `${PACKAGES[group]}/${version}/${kind}`
    : `kubernetes-models/${group}/${version}/${kind}`;
  try {
    return (await import(path))[kind];
  } catch (error) {
    throw new Error(`no schema for ${apiVersion} ${kind} (${path}): ${error.message}`);
  }
}

const input = await new Promise((resolve, reject) => {
  let text = "";
  process.stdin.setEncoding("utf8");
  process.stdin.on("data", (chunk) => (text += chunk));
  process.stdin.on("end", () => resolve(text));
  process.stdin.on("error", reject);
});

let failures = 0;
let objects = 0;
for (const document of parseAllDocuments(input)) {
  if (document.errors.length > 0) {
    console.log(`INVALID YAML: ${document.errors.map((e) => e.message).join("; ")}`);
    failures++;
    continue;
  }
  const object = document.toJS();
  if (object == null) continue;
  objects++;
  const name = `${object.apiVersion} ${object.kind} ${object.metadata?.name}`;
  try {
    const Model = await modelFor(object.apiVersion, object.kind);
    new Model(object).validate();
    console.log(`valid   ${name}`);
  } catch (error) {
    console.log(`INVALID ${name}: ${error.message}`);
    failures++;
  }
}
if (objects === 0) {
  console.log("INVALID: no objects on stdin");
  failures++;
}
console.log(`${objects} objects, ${failures} invalid`);
process.exit(failures === 0 ? 0 : 1);
