# syntax=docker/dockerfile:1
# Node 24 LTS (supported until April 2028); CI runs the tests on this major too.
# Build stage: compile the worker (src/ only; dev/ and test/ stay out) with the dev dependencies.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json tsconfig.release.json ./
COPY src ./src
RUN npx tsc -p tsconfig.release.json

# Runtime stage: production dependencies and the compiled worker only.
FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production \
    WORKER_HTTP_PORT=9464
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist/src ./dist/src
COPY examples ./examples
USER node
EXPOSE 9464
# Exits 0 while /healthz answers 200 (alive, polling or draining); says why when not.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "dist/src/container/healthcheck.js"]
# Exec form, no shell in between: node runs as PID 1 and receives SIGTERM itself; the worker
# handles it (drains tasks in flight), since PID 1 gets no default signal handlers.
# The entry refuses `start` with WORKER_HTTP_PORT=0 (the HEALTHCHECK needs the port), then
# runs the CLI in the same process.
ENTRYPOINT ["node", "dist/src/container/entry.js"]
CMD ["start"]
