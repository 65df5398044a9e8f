// Compiled by types.test.mjs, never run: a page that embeds <pacto-validator>.
import { configure, define, mount, PactoValidator, type MountHandle, type WidgetErrorDetail } from 'pacto-wasm/widget';
import type { ValidationResult } from 'pacto-wasm/web';

configure({ wasmUrl: new URL('/assets/pacto.wasm', 'https://portal.example') });
const ctor: CustomElementConstructor = define();
void ctor;

const widget = document.createElement('pacto-validator');
const typed: PactoValidator = widget;
typed.src = '/contracts/orders/pacto.yaml';
typed.editable = true;
typed.theme = 'dark';
typed.bundle = { 'pacto.yaml': 'pactoVersion: "1.0"\n', 'interfaces/api.proto': new Uint8Array(3) };
widget.addEventListener('pacto-validated', (event) => {
  const result: ValidationResult = event.detail;
  const count: number = result.errors.length + result.warnings.length;
  void count;
});
widget.addEventListener('pacto-error', (event) => {
  const detail: WidgetErrorDetail = event.detail;
  const message: string = detail.message;
  void message;
});

const handle: MountHandle = mount(document.body, { explain: true, onValidated: (r) => void r.valid });
handle.setBundle({ 'pacto.yaml': '' });
const later: Promise<ValidationResult | undefined> = handle.validate();
void later;
handle.destroy();

// @ts-expect-error theme is one of three words
typed.theme = 'sepia';
