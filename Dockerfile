# syntax=docker/dockerfile:1
# One Dockerfile for every part of Renda Graph; the build argument SERVICE chooses which one the image
# runs: deputies | suggestions | supervision | voting | gateway.
#
#   docker build --build-arg SERVICE=deputies -t renda-graph/deputies .
#
# The builder runs the same commands as CI (.ci/run): `pnpm install --frozen-lockfile`, then `pnpm build`
# (esbuild bundles each service into dist/index.js, see deploy/build.mjs). CI cannot build this image
# (no Docker daemon there), so those shared commands are what CI proves. The runtime stage holds only
# the chosen package, its production dependencies (`pnpm deploy --prod`) and its compiled JavaScript;
# it runs as the unprivileged `node` user with NODE_ENV=production (secrets are then required).

# Node 22 LTS by default; `--build-arg NODE_VERSION=20` still builds (the project supports Node ≥ 20.18).
ARG NODE_VERSION=22

FROM node:${NODE_VERSION}-bookworm-slim AS builder
ENV CI=true
RUN npm install -g pnpm@10
WORKDIR /src
# Manifests first: the dependency layer is reused until a package.json or the lockfile changes.
COPY pnpm-lock.yaml pnpm-workspace.yaml package.json .npmrc ./
COPY gateway/package.json gateway/
COPY services/deputies/package.json services/deputies/
COPY services/suggestions/package.json services/suggestions/
COPY services/supervision/package.json services/supervision/
COPY services/voting/package.json services/voting/
COPY packages/auth/package.json packages/auth/
COPY packages/cache/package.json packages/cache/
COPY packages/db/package.json packages/db/
COPY packages/errors/package.json packages/errors/
COPY packages/outbox/package.json packages/outbox/
COPY packages/platform/package.json packages/platform/
COPY packages/server-kit/package.json packages/server-kit/
COPY packages/testing/package.json packages/testing/
COPY packages/tsconfig/package.json packages/tsconfig/
COPY examples/client/package.json examples/client/
RUN pnpm install --frozen-lockfile
COPY . .
RUN pnpm build
ARG SERVICE=gateway
RUN case "$SERVICE" in \
      deputies|suggestions|supervision|voting|gateway) ;; \
      *) echo "SERVICE must be deputies, suggestions, supervision, voting or gateway, not '$SERVICE'" >&2; exit 1 ;; \
    esac \
 && pnpm --filter "@renda/$SERVICE" deploy --prod --legacy /app \
 && rm -rf /app/src /app/test /app/bench /app/codegen.ts /app/vitest.config.ts /app/tsconfig.json /app/.turbo

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ARG SERVICE=gateway
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=4000 \
    RENDA_SERVICE=${SERVICE}
WORKDIR /app
# Owned by root and read-only for the process: the service writes nothing to its own files.
COPY --from=builder /app /app
USER node
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/health/live`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "--enable-source-maps", "dist/index.js"]
