/**
 * ONNX Runtime's fused/contrib variants computed like their base op (the fused
 * activation or layout change does not alter shapes, weights or MACs).
 */
import { table } from '../formats/table.js';

const BASE_OP: Record<string, string> = table({ FusedConv: 'Conv', FusedGemm: 'Gemm', FusedMatMul: 'FusedMatMul', NhwcConv: 'Conv' });

export function baseOp(op: string): string {
  return BASE_OP[op] ?? op;
}
