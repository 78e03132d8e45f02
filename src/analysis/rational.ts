/**
 * Exact rationals over BigInt. GENIUS files write weights and evaluations as
 * finite decimals, so every utility in a GENIUS profile is an exact rational;
 * comparing those exactly is what keeps phantom Pareto points out.
 */
export interface Rational {
  readonly num: bigint;
  /** Always positive; the fraction is kept in lowest terms. */
  readonly den: bigint;
}

export function gcd(a: bigint, b: bigint): bigint {
  if (a < 0n) a = -a;
  if (b < 0n) b = -b;
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

export function lcm(a: bigint, b: bigint): bigint {
  if (a === 0n || b === 0n) return 0n;
  return (a / gcd(a, b)) * b;
}

export function rational(num: bigint, den: bigint = 1n): Rational {
  if (den === 0n) throw new RangeError('rational with zero denominator');
  if (den < 0n) {
    num = -num;
    den = -den;
  }
  const g = gcd(num, den);
  return g > 1n ? { num: num / g, den: den / g } : { num, den };
}

export const ZERO = rational(0n);
export const ONE = rational(1n);

export function add(a: Rational, b: Rational): Rational {
  return rational(a.num * b.den + b.num * a.den, a.den * b.den);
}
export function sub(a: Rational, b: Rational): Rational {
  return rational(a.num * b.den - b.num * a.den, a.den * b.den);
}
export function mul(a: Rational, b: Rational): Rational {
  return rational(a.num * b.num, a.den * b.den);
}
export function div(a: Rational, b: Rational): Rational {
  if (b.num === 0n) throw new RangeError('division by zero');
  return rational(a.num * b.den, a.den * b.num);
}
export function compare(a: Rational, b: Rational): number {
  const left = a.num * b.den;
  const right = b.num * a.den;
  return left < right ? -1 : left > right ? 1 : 0;
}
export function min(a: Rational, b: Rational): Rational {
  return compare(a, b) <= 0 ? a : b;
}
export function max(a: Rational, b: Rational): Rational {
  return compare(a, b) >= 0 ? a : b;
}

/** Nearest double (to within one rounding step) of a rational. */
export function toNumber(r: Rational): number {
  if (r.num === 0n) return 0;
  const n = Number(r.num);
  const d = Number(r.den);
  if (Math.abs(n) < 2 ** 53 && d < 2 ** 53) return n / d;
  // Large parts: take a 64-bit quotient so the result keeps full precision.
  const magnitude = r.num < 0n ? -r.num : r.num;
  const shift = 64 - (magnitude.toString(2).length - r.den.toString(2).length);
  const quotient = shift >= 0 ? (r.num << BigInt(shift)) / r.den : r.num / (r.den << BigInt(-shift));
  return Number(quotient) * 2 ** -shift;
}

const DECIMAL = /^\s*([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d{1,6}))?\s*$/;

/**
 * Parses a decimal number as written (`0.4452125771655631`, `-.5`, `1.0E-4`)
 * into its exact rational value. Returns undefined for anything else
 * (`NaN`, `Infinity`, hexadecimal, empty).
 */
export function parseDecimal(text: string): Rational | undefined {
  const match = DECIMAL.exec(text);
  if (!match) return undefined;
  const [, sign = '', whole = '', fraction = '', exponentText] = match;
  if (whole === '' && fraction === '') return undefined;
  if (whole.length + fraction.length > 400) return undefined;
  let num = BigInt((whole || '0') + fraction);
  let den = 10n ** BigInt(fraction.length);
  const exponent = exponentText === undefined ? 0 : Number(exponentText);
  if (Math.abs(exponent) > 400) return undefined;
  if (exponent > 0) num *= 10n ** BigInt(exponent);
  else if (exponent < 0) den *= 10n ** BigInt(-exponent);
  if (sign === '-') num = -num;
  return rational(num, den);
}

/** Exact decimal text of a rational whose denominator divides a power of ten; otherwise up to `digits` decimals. */
export function toDecimalString(r: Rational, digits = 20): string {
  const negative = r.num < 0n;
  let num = negative ? -r.num : r.num;
  const whole = num / r.den;
  num %= r.den;
  let fraction = '';
  for (let i = 0; i < digits && num !== 0n; i++) {
    num *= 10n;
    fraction += (num / r.den).toString();
    num %= r.den;
  }
  const text = fraction ? `${whole}.${fraction}` : `${whole}`;
  return negative && text !== '0' ? `-${text}` : text;
}
