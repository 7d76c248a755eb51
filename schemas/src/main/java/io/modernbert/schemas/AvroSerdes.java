package io.modernbert.schemas;

/** One serde per message type, shared: they are stateless and thread-safe. */
public final class AvroSerdes {
  private AvroSerdes() {}

  public static final AvroSerde<Document> DOCUMENT = new AvroSerde<>(Document.class);
  public static final AvroSerde<Embedding> EMBEDDING = new AvroSerde<>(Embedding.class);
  public static final AvroSerde<Labels> LABELS = new AvroSerde<>(Labels.class);
  public static final AvroSerde<DeadLetter> DEAD_LETTER = new AvroSerde<>(DeadLetter.class);
  public static final AvroSerde<PendingDocument> PENDING_DOCUMENT =
      new AvroSerde<>(PendingDocument.class);
}
