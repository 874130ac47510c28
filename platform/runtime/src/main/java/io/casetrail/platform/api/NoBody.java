package io.casetrail.platform.api;

/**
 * The body of an operation that takes none: none at all, or {@code {}}. A field in it is refused {@code 400
 * malformed-body} naming it, as a field any operation does not know is (docs/api.md): {@code {"step":0}} sent to an
 * approval, meant for its query, must not approve whatever step is current.
 */
public record NoBody() {
}
