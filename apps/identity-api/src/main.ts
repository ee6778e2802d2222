import { NestFactory } from '@nestjs/core';
import { Module, Controller, Get } from '@nestjs/common';
import { hello } from '@authbridge/contract';
@Controller() class C { @Get('/x') x() { return { hello: hello() }; } }
@Module({ controllers: [C] }) class M {}
async function main() { const app = await NestFactory.create(M); await app.listen(18080); console.log('up'); }
void main();
