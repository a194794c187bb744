import { describe, expect, it } from 'vitest';
import { bsnValid, cpfValid, dniValid, ibanValid, luhnValid, ssnStructureValid } from '../../src/dlp/checksums.js';

// Published example values: Luhn test card numbers from the card networks' test-card lists,
// IBAN examples from the ISO 13616 registry / SWIFT IBAN registry, the BSN and CPF examples
// used in the Dutch and Brazilian government's own documentation.
describe('check digits', () => {
  it('Luhn accepts published test cards and rejects a one-digit change', () => {
    for (const n of ['4111111111111111', '5555555555554444', '378282246310005', '6011111111111117', '4012888888881881']) expect(luhnValid(n), n).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(luhnValid('378282246310006')).toBe(false);
    expect(luhnValid('12a4')).toBe(false);
  });

  it('IBAN MOD 97-10 with the country length', () => {
    for (const v of ['GB82WEST12345698765432', 'DE89370400440532013000', 'NL91ABNA0417164300', 'FR1420041010050500013M02606', 'BE68539007547034']) expect(ibanValid(v), v).toBe(true);
    expect(ibanValid('GB82WEST12345698765433')).toBe(false); // one digit changed
    expect(ibanValid('GB82WEST1234569876543')).toBe(false); // wrong length for GB
    expect(ibanValid('XX82WEST12345698765432')).toBe(false); // unknown country
  });

  it('Dutch BSN 11-proof', () => {
    expect(bsnValid('111222333')).toBe(true); // 9*1+8*1+7*1+6*2+5*2+4*2+3*3+2*3-1*3 = 66 = 6*11
    expect(bsnValid('123456782')).toBe(true);
    expect(bsnValid('123456789')).toBe(false);
    expect(bsnValid('000000000')).toBe(false); // sum 0 is not a number anyone holds
  });

  it('Spanish DNI and NIE letters', () => {
    expect(dniValid('12345678Z')).toBe(true); // 12345678 mod 23 = 14 -> Z
    expect(dniValid('12345678A')).toBe(false);
    expect(dniValid('X1234567L')).toBe(true); // 01234567 mod 23 = 19 -> L
    expect(dniValid('Y1234567X')).toBe(true); // 11234567 mod 23 = 10 -> X
    expect(dniValid('1234567Z')).toBe(false); // a DNI has 8 digits
  });

  it('Brazilian CPF', () => {
    expect(cpfValid('52998224725')).toBe(true);
    expect(cpfValid('52998224724')).toBe(false);
    expect(cpfValid('11111111111')).toBe(false);
  });

  it('US SSN structure', () => {
    expect(ssnStructureValid('123456789')).toBe(true);
    for (const bad of ['000123456', '666123456', '912345678', '123004567', '123450000']) expect(ssnStructureValid(bad), bad).toBe(false);
  });
});
