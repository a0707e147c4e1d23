/**
 * The one place where sink types and formats are registered: {@link
 * dev.auditship.registry.Registry#standard()}. Config parsing ({@code ConfigLoader}, through the
 * {@link dev.auditship.config.Catalog} view), {@code run}, {@code validate} and {@code render} all
 * look names up here, so a type or format registered here is known everywhere and one that is not
 * is refused with the list of registered names. The checklist for adding one is in docs/design.md.
 */
package dev.auditship.registry;
