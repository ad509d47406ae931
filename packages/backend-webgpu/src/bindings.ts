// The storage bindings of one dispatch. Operands that share a GPUBuffer (h and c' as column views
// of one tensor, x·xᵀ) get one binding, since WebGPU forbids binding a buffer twice when either
// use writes. Every binding is array<u32> and operands load and store through bitcast<T>, so
// operands of any dtype can share it; bool is a u32 0/1 per element.

/** How a kernel uses an operand: read only, read and written, or updated by atomics. */
export type Access = 'read' | 'read_write' | 'atomic';

/** WGSL scalar type of an element: float32 → f32, int32 → i32, bool → u32. */
export type Scalar = 'f32' | 'i32' | 'u32';

export interface OperandUse {
  readonly buffer: GPUBuffer;
  readonly access: Access;
}

const RANK: Record<Access, number> = { read: 0, read_write: 1, atomic: 2 };

export class Bindings {
  /** The distinct buffers, bound at binding 1, 2, … (binding 0 is the params uniform). */
  readonly buffers: GPUBuffer[] = [];
  readonly access: Access[] = [];
  /** Binding index (0-based among storage bindings) of each operand. */
  readonly slots: number[] = [];

  constructor(uses: readonly OperandUse[]) {
    for (const use of uses) {
      let slot = this.buffers.indexOf(use.buffer);
      if (slot < 0) {
        slot = this.buffers.length;
        this.buffers.push(use.buffer);
        this.access.push(use.access);
      } else if (RANK[use.access] > RANK[this.access[slot]!]) {
        this.access[slot] = use.access;
      }
      this.slots.push(slot);
    }
  }

  /** What the generated code depends on: which operands share a binding, and each binding's access. */
  get signature(): string {
    return `${this.slots.join('')}:${this.access.map((a) => a[0] + (a === 'read_write' ? 'w' : '')).join('')}`;
  }

  declarations(): string {
    return this.access
      .map((access, k) => {
        const type = access === 'atomic' ? 'array<atomic<u32>>' : 'array<u32>';
        const mode = access === 'read' ? 'read' : 'read_write';
        return `@group(0) @binding(${k + 1}) var<storage, ${mode}> s${k}: ${type};`;
      })
      .join('\n');
  }

  /** WGSL expression: element `index` of operand `operand` as `type`. */
  load(operand: number, index: string, type: Scalar): string {
    const slot = this.slots[operand]!;
    const raw = this.access[slot] === 'atomic' ? `atomicLoad(&s${slot}[${index}])` : `s${slot}[${index}]`;
    return type === 'u32' ? raw : `bitcast<${type}>(${raw})`;
  }

  /** WGSL statement: store `value` (of `type`) into element `index` of operand `operand`. */
  store(operand: number, index: string, value: string, type: Scalar): string {
    const slot = this.slots[operand]!;
    const bits = type === 'u32' ? value : `bitcast<u32>(${value})`;
    if (this.access[slot] === 'atomic') return `atomicStore(&s${slot}[${index}], ${bits});`;
    return `s${slot}[${index}] = ${bits};`;
  }

  /** WGSL pointer expression to an atomic element (only for `atomic` operands). */
  atomicPointer(operand: number, index: string): string {
    return `&s${this.slots[operand]!}[${index}]`;
  }
}
