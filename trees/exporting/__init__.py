"""Training-set exports: tree snapshots read from the database in batches (`snapshots`), rows
of each format (`rows`), token limits (`tokens`), the streaming atomic writer and its manifest
(`writer`), and `dataset.write_dataset`, which ties them together. Nothing here writes a model:
trees.services.exports records Exports and Jobs around it."""
