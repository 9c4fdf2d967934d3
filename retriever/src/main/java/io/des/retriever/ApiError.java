package io.des.retriever;

/** The error body of every endpoint, as upstream's FastAPI service writes it: {@code {"detail": "..."}}. */
public record ApiError(String detail) {}
