# Shipping (issue 14): the images, docker-compose.yml, the Kubernetes manifests in deploy/.
# README "Deploy" says how to run them; tests/deploy checks them without a container engine.

IMAGE_TAG ?= 0.1.0

.PHONY: images deploy-supergraph deploy-check test-containers

## Build the gateway and subgraph images (needs Docker with BuildKit, or Podman).
images:
	docker build -t learning-gateway:$(IMAGE_TAG) -f Dockerfile .
	docker build -t learning-subgraphs:$(IMAGE_TAG) -f subgraphs.Dockerfile .

## Copy schema/supergraph.graphql into the gateway-supergraph ConfigMap's source (deploy/config).
deploy-supergraph:
	cp schema/supergraph.graphql deploy/config/supergraph.graphql

## Validate the Dockerfiles, docker-compose.yml and the Kubernetes manifests (tests/deploy).
deploy-check: install
	$(PY) -m pytest -p no:cacheprovider -q tests/deploy

## Build the images and run them (tests/deploy/test_containers.py): PostgreSQL on PG_URL,
## redis-server, and podman or docker (CONTAINER_ENGINE, CONTAINER_OPTIONS: see the test).
test-containers: install test-tools
	$(PY) -m pytest -p no:cacheprovider -q -m container tests/deploy
