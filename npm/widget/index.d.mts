import type { Bundle, ValidationResult } from '../web.mjs';

export type { Bundle, ValidationResult };

export type WidgetTheme = 'light' | 'dark' | 'auto';

/** `pacto-error`'s detail. */
export interface WidgetErrorDetail {
  message: string;
  error: unknown;
}

/** <pacto-validator>. Attributes are reflected to these properties. */
export declare class PactoValidator extends HTMLElement {
  /** URL of a pacto.yaml (referenced files are fetched next to it) or a .tar.gz bundle. */
  src: string;
  /** An oci:// ref, pulled through the `pacto serve` at `proxy`. */
  ref: string;
  /** Base URL of a `pacto serve` (e.g. "/"). */
  proxy: string;
  /** Show an editor for pacto.yaml; validates as you type. */
  editable: boolean;
  theme: WidgetTheme;
  /** Only the verdict and the counts. */
  compact: boolean;
  /** Also show the contract's summary (service, owner, workload, interfaces, dependencies). */
  explain: boolean;
  /** Where pacto.wasm is (attribute `wasm-url`); default: next to the package's glue. */
  wasmUrl: string;
  /** The bundle validated: path -> text or bytes, pacto.yaml at its root. Setting it validates. */
  bundle: Bundle | undefined;
  /** The latest validation result. */
  readonly result: ValidationResult | undefined;
  /** Validates the current bundle now. */
  validate(): Promise<ValidationResult | undefined>;
  addEventListener(type: 'pacto-validated', listener: (event: CustomEvent<ValidationResult>) => void, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: 'pacto-error', listener: (event: CustomEvent<WidgetErrorDetail>) => void, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
}

export interface MountOptions {
  src?: string;
  ref?: string;
  proxy?: string;
  editable?: boolean;
  theme?: WidgetTheme;
  compact?: boolean;
  explain?: boolean;
  wasmUrl?: string;
  bundle?: Bundle;
  onValidated?: (result: ValidationResult) => void;
  onError?: (detail: WidgetErrorDetail) => void;
}

export interface MountHandle {
  element: PactoValidator;
  setBundle(bundle: Bundle): void;
  validate(): Promise<ValidationResult | undefined>;
  destroy(): void;
}

/** Where every widget loads pacto.wasm from; call before the first widget loads. */
export function configure(options: { wasmUrl?: string | URL }): void;
/** Registers the element (done on import for `pacto-validator`). */
export function define(tag?: string): CustomElementConstructor;
/** Renders a validator into `target` from script; `destroy()` removes it. */
export function mount(target: Element, options?: MountOptions): MountHandle;

declare global {
  interface HTMLElementTagNameMap {
    'pacto-validator': PactoValidator;
  }
  interface HTMLElementEventMap {
    'pacto-validated': CustomEvent<ValidationResult>;
    'pacto-error': CustomEvent<WidgetErrorDetail>;
  }
}
