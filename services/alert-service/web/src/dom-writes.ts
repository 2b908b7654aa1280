/// <reference lib="dom" />
// Writes to the pages' DOM that change something or nothing. Pure DOM, no I/O.
/**
 * Writes only a change: a page that rewrote the same text every second made 3 000 tiles re-lay out
 * (a 0.8 s freeze each second on a big site's wallboard), and a live region read the same sentence
 * again.
 */
export function setText(node: Node, text: string): void {
  if (node.textContent !== text) node.textContent = text;
}

/** The same for an attribute (a class, a title, a label). */
export function setAttr(node: Element, name: string, value: string): void {
  if (node.getAttribute(name) !== value) node.setAttribute(name, value);
}

/** The same for one style property (through the CSSOM: the pages' CSP refuses style attributes). */
export function setStyle(node: HTMLElement, property: 'left' | 'width', value: string): void {
  if (node.style[property] !== value) node.style[property] = value;
}
