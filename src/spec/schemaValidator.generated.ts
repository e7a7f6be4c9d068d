/* Generated from schemas/bulk-users.schema.json by npm run gen:validator (scripts/genValidator.mjs). Do not edit. */
// @ts-nocheck: ajv's generated JavaScript; schemaValidator.ts gives it its types.
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
export const TestUserPopulation = validate25;
const schema12 = {"type":"object","title":"TestUserPopulation","required":["apiVersion","kind","metadata","spec"],"additionalProperties":false,"properties":{"apiVersion":{"const":"bulk-users/v1"},"kind":{"const":"TestUserPopulation"},"metadata":{"$ref":"#/definitions/Metadata"},"spec":{"$ref":"#/definitions/PopulationSpec"}}};
const schema13 = {"type":"object","required":["name"],"additionalProperties":false,"properties":{"name":{"type":"string","pattern":"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$","description":"Unique across all specs; a lower-case DNS label (a-z, 0-9, '-', at most 63 characters)."},"labels":{"type":"object","additionalProperties":{"type":"string"}},"annotations":{"type":"object","additionalProperties":{"type":"string"}}}};
const pattern0 = new RegExp("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$", "u");
const schema14 = {"type":"object","title":"PopulationSpec","required":["count","usernamePattern","password"],"additionalProperties":false,"properties":{"count":{"type":"integer","minimum":0,"maximum":100000000,"description":"How many users the population has."},"usernamePattern":{"type":"string","minLength":1,"maxLength":200,"description":"Username of member n; exactly one {id} placeholder, replaced by idStart + n."},"idStart":{"type":"integer","minimum":0,"maximum":1000000000000,"default":1,"description":"Sequence number of the first member."},"emailDomain":{"type":"string","pattern":"^[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?$","default":"example.com","description":"email = username when the username is an address, else username@emailDomain."},"password":{"$ref":"#/definitions/PasswordSource"},"attributes":{"type":"object","description":"Free-form profile fields, stored as JSON."},"batchSize":{"type":"integer","minimum":1,"maximum":50000,"default":1000,"description":"Rows per transaction."},"ttl":{"type":"string","pattern":"^[1-9][0-9]*(m|h|d|w)$","description":"Lease length: 30m, 12h, 7d, 2w."},"expiresAt":{"type":"string","format":"date-time","description":"RFC 3339 instant after which the population expires."},"syncTargets":{"type":"array","items":{"type":"string"},"uniqueItems":true,"description":"Names of SyncTarget documents that must hold the same users."},"deletionPolicy":{"enum":["Delete","Retain"],"default":"Delete","description":"What removing this spec does to its users."}}};
const schema15 = {"type":"object","title":"PasswordSource","minProperties":1,"maxProperties":1,"additionalProperties":false,"properties":{"fromEnv":{"type":"string","pattern":"^[A-Za-z_][A-Za-z0-9_]*$","description":"Name of the environment variable that holds the password."},"value":{"type":"string","minLength":1,"description":"The password itself (allowed, but warned: specs live in git)."}}};
const func2 = Object.prototype.hasOwnProperty;
const func3 = require("ajv/dist/runtime/ucs2length").default;
const pattern1 = new RegExp("^[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?$", "u");
const pattern2 = new RegExp("^[A-Za-z_][A-Za-z0-9_]*$", "u");
const pattern3 = new RegExp("^[1-9][0-9]*(m|h|d|w)$", "u");
const formats0 = require("ajv-formats/dist/formats").fullFormats["date-time"];

function validate12(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
let vErrors = null;
let errors = 0;
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.count === undefined){
const err0 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "count"},message:"must have required property '"+"count"+"'",schema:schema14.required,parentSchema:schema14,data};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
if(data.usernamePattern === undefined){
const err1 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "usernamePattern"},message:"must have required property '"+"usernamePattern"+"'",schema:schema14.required,parentSchema:schema14,data};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
if(data.password === undefined){
const err2 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "password"},message:"must have required property '"+"password"+"'",schema:schema14.required,parentSchema:schema14,data};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
for(const key0 in data){
if(!(func2.call(schema14.properties, key0))){
const err3 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties",schema:false,parentSchema:schema14,data};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
}
if(data.count !== undefined){
let data0 = data.count;
if(!((typeof data0 == "number") && (!(data0 % 1) && !isNaN(data0)))){
const err4 = {instancePath:instancePath+"/count",schemaPath:"#/properties/count/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema14.properties.count.type,parentSchema:schema14.properties.count,data:data0};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
if(typeof data0 == "number"){
if(data0 > 100000000 || isNaN(data0)){
const err5 = {instancePath:instancePath+"/count",schemaPath:"#/properties/count/maximum",keyword:"maximum",params:{comparison: "<=", limit: 100000000},message:"must be <= 100000000",schema:100000000,parentSchema:schema14.properties.count,data:data0};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
if(data0 < 0 || isNaN(data0)){
const err6 = {instancePath:instancePath+"/count",schemaPath:"#/properties/count/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0",schema:0,parentSchema:schema14.properties.count,data:data0};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
}
}
if(data.usernamePattern !== undefined){
let data1 = data.usernamePattern;
if(typeof data1 === "string"){
if(func3(data1) > 200){
const err7 = {instancePath:instancePath+"/usernamePattern",schemaPath:"#/properties/usernamePattern/maxLength",keyword:"maxLength",params:{limit: 200},message:"must NOT have more than 200 characters",schema:200,parentSchema:schema14.properties.usernamePattern,data:data1};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
if(func3(data1) < 1){
const err8 = {instancePath:instancePath+"/usernamePattern",schemaPath:"#/properties/usernamePattern/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema14.properties.usernamePattern,data:data1};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
}
else {
const err9 = {instancePath:instancePath+"/usernamePattern",schemaPath:"#/properties/usernamePattern/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema14.properties.usernamePattern.type,parentSchema:schema14.properties.usernamePattern,data:data1};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
}
if(data.idStart !== undefined){
let data2 = data.idStart;
if(!((typeof data2 == "number") && (!(data2 % 1) && !isNaN(data2)))){
const err10 = {instancePath:instancePath+"/idStart",schemaPath:"#/properties/idStart/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema14.properties.idStart.type,parentSchema:schema14.properties.idStart,data:data2};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
if(typeof data2 == "number"){
if(data2 > 1000000000000 || isNaN(data2)){
const err11 = {instancePath:instancePath+"/idStart",schemaPath:"#/properties/idStart/maximum",keyword:"maximum",params:{comparison: "<=", limit: 1000000000000},message:"must be <= 1000000000000",schema:1000000000000,parentSchema:schema14.properties.idStart,data:data2};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
if(data2 < 0 || isNaN(data2)){
const err12 = {instancePath:instancePath+"/idStart",schemaPath:"#/properties/idStart/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0",schema:0,parentSchema:schema14.properties.idStart,data:data2};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
}
}
if(data.emailDomain !== undefined){
let data3 = data.emailDomain;
if(typeof data3 === "string"){
if(!pattern1.test(data3)){
const err13 = {instancePath:instancePath+"/emailDomain",schemaPath:"#/properties/emailDomain/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?$"},message:"must match pattern \""+"^[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?$"+"\"",schema:"^[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?$",parentSchema:schema14.properties.emailDomain,data:data3};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
}
else {
const err14 = {instancePath:instancePath+"/emailDomain",schemaPath:"#/properties/emailDomain/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema14.properties.emailDomain.type,parentSchema:schema14.properties.emailDomain,data:data3};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
}
if(data.password !== undefined){
let data4 = data.password;
if(data4 && typeof data4 == "object" && !Array.isArray(data4)){
if(Object.keys(data4).length > 1){
const err15 = {instancePath:instancePath+"/password",schemaPath:"#/definitions/PasswordSource/maxProperties",keyword:"maxProperties",params:{limit: 1},message:"must NOT have more than 1 properties",schema:1,parentSchema:schema15,data:data4};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
if(Object.keys(data4).length < 1){
const err16 = {instancePath:instancePath+"/password",schemaPath:"#/definitions/PasswordSource/minProperties",keyword:"minProperties",params:{limit: 1},message:"must NOT have fewer than 1 properties",schema:1,parentSchema:schema15,data:data4};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
for(const key1 in data4){
if(!((key1 === "fromEnv") || (key1 === "value"))){
const err17 = {instancePath:instancePath+"/password",schemaPath:"#/definitions/PasswordSource/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key1},message:"must NOT have additional properties",schema:false,parentSchema:schema15,data:data4};
if(vErrors === null){
vErrors = [err17];
}
else {
vErrors.push(err17);
}
errors++;
}
}
if(data4.fromEnv !== undefined){
let data5 = data4.fromEnv;
if(typeof data5 === "string"){
if(!pattern2.test(data5)){
const err18 = {instancePath:instancePath+"/password/fromEnv",schemaPath:"#/definitions/PasswordSource/properties/fromEnv/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z_][A-Za-z0-9_]*$"},message:"must match pattern \""+"^[A-Za-z_][A-Za-z0-9_]*$"+"\"",schema:"^[A-Za-z_][A-Za-z0-9_]*$",parentSchema:schema15.properties.fromEnv,data:data5};
if(vErrors === null){
vErrors = [err18];
}
else {
vErrors.push(err18);
}
errors++;
}
}
else {
const err19 = {instancePath:instancePath+"/password/fromEnv",schemaPath:"#/definitions/PasswordSource/properties/fromEnv/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema15.properties.fromEnv.type,parentSchema:schema15.properties.fromEnv,data:data5};
if(vErrors === null){
vErrors = [err19];
}
else {
vErrors.push(err19);
}
errors++;
}
}
if(data4.value !== undefined){
let data6 = data4.value;
if(typeof data6 === "string"){
if(func3(data6) < 1){
const err20 = {instancePath:instancePath+"/password/value",schemaPath:"#/definitions/PasswordSource/properties/value/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema15.properties.value,data:data6};
if(vErrors === null){
vErrors = [err20];
}
else {
vErrors.push(err20);
}
errors++;
}
}
else {
const err21 = {instancePath:instancePath+"/password/value",schemaPath:"#/definitions/PasswordSource/properties/value/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema15.properties.value.type,parentSchema:schema15.properties.value,data:data6};
if(vErrors === null){
vErrors = [err21];
}
else {
vErrors.push(err21);
}
errors++;
}
}
}
else {
const err22 = {instancePath:instancePath+"/password",schemaPath:"#/definitions/PasswordSource/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema15.type,parentSchema:schema15,data:data4};
if(vErrors === null){
vErrors = [err22];
}
else {
vErrors.push(err22);
}
errors++;
}
}
if(data.attributes !== undefined){
let data7 = data.attributes;
if(!(data7 && typeof data7 == "object" && !Array.isArray(data7))){
const err23 = {instancePath:instancePath+"/attributes",schemaPath:"#/properties/attributes/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema14.properties.attributes.type,parentSchema:schema14.properties.attributes,data:data7};
if(vErrors === null){
vErrors = [err23];
}
else {
vErrors.push(err23);
}
errors++;
}
}
if(data.batchSize !== undefined){
let data8 = data.batchSize;
if(!((typeof data8 == "number") && (!(data8 % 1) && !isNaN(data8)))){
const err24 = {instancePath:instancePath+"/batchSize",schemaPath:"#/properties/batchSize/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema14.properties.batchSize.type,parentSchema:schema14.properties.batchSize,data:data8};
if(vErrors === null){
vErrors = [err24];
}
else {
vErrors.push(err24);
}
errors++;
}
if(typeof data8 == "number"){
if(data8 > 50000 || isNaN(data8)){
const err25 = {instancePath:instancePath+"/batchSize",schemaPath:"#/properties/batchSize/maximum",keyword:"maximum",params:{comparison: "<=", limit: 50000},message:"must be <= 50000",schema:50000,parentSchema:schema14.properties.batchSize,data:data8};
if(vErrors === null){
vErrors = [err25];
}
else {
vErrors.push(err25);
}
errors++;
}
if(data8 < 1 || isNaN(data8)){
const err26 = {instancePath:instancePath+"/batchSize",schemaPath:"#/properties/batchSize/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1",schema:1,parentSchema:schema14.properties.batchSize,data:data8};
if(vErrors === null){
vErrors = [err26];
}
else {
vErrors.push(err26);
}
errors++;
}
}
}
if(data.ttl !== undefined){
let data9 = data.ttl;
if(typeof data9 === "string"){
if(!pattern3.test(data9)){
const err27 = {instancePath:instancePath+"/ttl",schemaPath:"#/properties/ttl/pattern",keyword:"pattern",params:{pattern: "^[1-9][0-9]*(m|h|d|w)$"},message:"must match pattern \""+"^[1-9][0-9]*(m|h|d|w)$"+"\"",schema:"^[1-9][0-9]*(m|h|d|w)$",parentSchema:schema14.properties.ttl,data:data9};
if(vErrors === null){
vErrors = [err27];
}
else {
vErrors.push(err27);
}
errors++;
}
}
else {
const err28 = {instancePath:instancePath+"/ttl",schemaPath:"#/properties/ttl/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema14.properties.ttl.type,parentSchema:schema14.properties.ttl,data:data9};
if(vErrors === null){
vErrors = [err28];
}
else {
vErrors.push(err28);
}
errors++;
}
}
if(data.expiresAt !== undefined){
let data10 = data.expiresAt;
if(typeof data10 === "string"){
if(!(formats0.validate(data10))){
const err29 = {instancePath:instancePath+"/expiresAt",schemaPath:"#/properties/expiresAt/format",keyword:"format",params:{format: "date-time"},message:"must match format \""+"date-time"+"\"",schema:"date-time",parentSchema:schema14.properties.expiresAt,data:data10};
if(vErrors === null){
vErrors = [err29];
}
else {
vErrors.push(err29);
}
errors++;
}
}
else {
const err30 = {instancePath:instancePath+"/expiresAt",schemaPath:"#/properties/expiresAt/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema14.properties.expiresAt.type,parentSchema:schema14.properties.expiresAt,data:data10};
if(vErrors === null){
vErrors = [err30];
}
else {
vErrors.push(err30);
}
errors++;
}
}
if(data.syncTargets !== undefined){
let data11 = data.syncTargets;
if(Array.isArray(data11)){
const len0 = data11.length;
for(let i0=0; i0<len0; i0++){
let data12 = data11[i0];
if(typeof data12 !== "string"){
const err31 = {instancePath:instancePath+"/syncTargets/" + i0,schemaPath:"#/properties/syncTargets/items/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema14.properties.syncTargets.items.type,parentSchema:schema14.properties.syncTargets.items,data:data12};
if(vErrors === null){
vErrors = [err31];
}
else {
vErrors.push(err31);
}
errors++;
}
}
let i1 = data11.length;
let j0;
if(i1 > 1){
const indices0 = {};
for(;i1--;){
let item0 = data11[i1];
if(typeof item0 !== "string"){
continue;
}
if(typeof indices0[item0] == "number"){
j0 = indices0[item0];
const err32 = {instancePath:instancePath+"/syncTargets",schemaPath:"#/properties/syncTargets/uniqueItems",keyword:"uniqueItems",params:{i: i1, j: j0},message:"must NOT have duplicate items (items ## "+j0+" and "+i1+" are identical)",schema:true,parentSchema:schema14.properties.syncTargets,data:data11};
if(vErrors === null){
vErrors = [err32];
}
else {
vErrors.push(err32);
}
errors++;
break;
}
indices0[item0] = i1;
}
}
}
else {
const err33 = {instancePath:instancePath+"/syncTargets",schemaPath:"#/properties/syncTargets/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema14.properties.syncTargets.type,parentSchema:schema14.properties.syncTargets,data:data11};
if(vErrors === null){
vErrors = [err33];
}
else {
vErrors.push(err33);
}
errors++;
}
}
if(data.deletionPolicy !== undefined){
let data13 = data.deletionPolicy;
if(!((data13 === "Delete") || (data13 === "Retain"))){
const err34 = {instancePath:instancePath+"/deletionPolicy",schemaPath:"#/properties/deletionPolicy/enum",keyword:"enum",params:{allowedValues: schema14.properties.deletionPolicy.enum},message:"must be equal to one of the allowed values",schema:schema14.properties.deletionPolicy.enum,parentSchema:schema14.properties.deletionPolicy,data:data13};
if(vErrors === null){
vErrors = [err34];
}
else {
vErrors.push(err34);
}
errors++;
}
}
}
else {
const err35 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema14.type,parentSchema:schema14,data};
if(vErrors === null){
vErrors = [err35];
}
else {
vErrors.push(err35);
}
errors++;
}
validate12.errors = vErrors;
return errors === 0;
}


function validate25(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
let vErrors = null;
let errors = 0;
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.apiVersion === undefined){
const err0 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "apiVersion"},message:"must have required property '"+"apiVersion"+"'",schema:schema12.required,parentSchema:schema12,data};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
if(data.kind === undefined){
const err1 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "kind"},message:"must have required property '"+"kind"+"'",schema:schema12.required,parentSchema:schema12,data};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
if(data.metadata === undefined){
const err2 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "metadata"},message:"must have required property '"+"metadata"+"'",schema:schema12.required,parentSchema:schema12,data};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
if(data.spec === undefined){
const err3 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "spec"},message:"must have required property '"+"spec"+"'",schema:schema12.required,parentSchema:schema12,data};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
for(const key0 in data){
if(!((((key0 === "apiVersion") || (key0 === "kind")) || (key0 === "metadata")) || (key0 === "spec"))){
const err4 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties",schema:false,parentSchema:schema12,data};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
}
if(data.apiVersion !== undefined){
let data0 = data.apiVersion;
if("bulk-users/v1" !== data0){
const err5 = {instancePath:instancePath+"/apiVersion",schemaPath:"#/properties/apiVersion/const",keyword:"const",params:{allowedValue: "bulk-users/v1"},message:"must be equal to constant",schema:"bulk-users/v1",parentSchema:schema12.properties.apiVersion,data:data0};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
}
if(data.kind !== undefined){
let data1 = data.kind;
if("TestUserPopulation" !== data1){
const err6 = {instancePath:instancePath+"/kind",schemaPath:"#/properties/kind/const",keyword:"const",params:{allowedValue: "TestUserPopulation"},message:"must be equal to constant",schema:"TestUserPopulation",parentSchema:schema12.properties.kind,data:data1};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
}
if(data.metadata !== undefined){
let data2 = data.metadata;
if(data2 && typeof data2 == "object" && !Array.isArray(data2)){
if(data2.name === undefined){
const err7 = {instancePath:instancePath+"/metadata",schemaPath:"#/definitions/Metadata/required",keyword:"required",params:{missingProperty: "name"},message:"must have required property '"+"name"+"'",schema:schema13.required,parentSchema:schema13,data:data2};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
for(const key1 in data2){
if(!(((key1 === "name") || (key1 === "labels")) || (key1 === "annotations"))){
const err8 = {instancePath:instancePath+"/metadata",schemaPath:"#/definitions/Metadata/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key1},message:"must NOT have additional properties",schema:false,parentSchema:schema13,data:data2};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
}
if(data2.name !== undefined){
let data3 = data2.name;
if(typeof data3 === "string"){
if(!pattern0.test(data3)){
const err9 = {instancePath:instancePath+"/metadata/name",schemaPath:"#/definitions/Metadata/properties/name/pattern",keyword:"pattern",params:{pattern: "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$"},message:"must match pattern \""+"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$"+"\"",schema:"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$",parentSchema:schema13.properties.name,data:data3};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
}
else {
const err10 = {instancePath:instancePath+"/metadata/name",schemaPath:"#/definitions/Metadata/properties/name/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema13.properties.name.type,parentSchema:schema13.properties.name,data:data3};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
}
if(data2.labels !== undefined){
let data4 = data2.labels;
if(data4 && typeof data4 == "object" && !Array.isArray(data4)){
for(const key2 in data4){
let data5 = data4[key2];
if(typeof data5 !== "string"){
const err11 = {instancePath:instancePath+"/metadata/labels/" + key2.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/definitions/Metadata/properties/labels/additionalProperties/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema13.properties.labels.additionalProperties.type,parentSchema:schema13.properties.labels.additionalProperties,data:data5};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
}
}
else {
const err12 = {instancePath:instancePath+"/metadata/labels",schemaPath:"#/definitions/Metadata/properties/labels/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema13.properties.labels.type,parentSchema:schema13.properties.labels,data:data4};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
}
if(data2.annotations !== undefined){
let data6 = data2.annotations;
if(data6 && typeof data6 == "object" && !Array.isArray(data6)){
for(const key3 in data6){
let data7 = data6[key3];
if(typeof data7 !== "string"){
const err13 = {instancePath:instancePath+"/metadata/annotations/" + key3.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/definitions/Metadata/properties/annotations/additionalProperties/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema13.properties.annotations.additionalProperties.type,parentSchema:schema13.properties.annotations.additionalProperties,data:data7};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
}
}
else {
const err14 = {instancePath:instancePath+"/metadata/annotations",schemaPath:"#/definitions/Metadata/properties/annotations/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema13.properties.annotations.type,parentSchema:schema13.properties.annotations,data:data6};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
}
}
else {
const err15 = {instancePath:instancePath+"/metadata",schemaPath:"#/definitions/Metadata/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema13.type,parentSchema:schema13,data:data2};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
}
if(data.spec !== undefined){
if(!(validate12(data.spec, {instancePath:instancePath+"/spec",parentData:data,parentDataProperty:"spec",rootData}))){
vErrors = vErrors === null ? validate12.errors : vErrors.concat(validate12.errors);
errors = vErrors.length;
}
}
}
else {
const err16 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema12.type,parentSchema:schema12,data};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
validate25.errors = vErrors;
return errors === 0;
}

export const SyncTarget = validate27;
const schema16 = {"type":"object","title":"SyncTarget","required":["apiVersion","kind","metadata","spec"],"additionalProperties":false,"properties":{"apiVersion":{"const":"bulk-users/v1"},"kind":{"const":"SyncTarget"},"metadata":{"$ref":"#/definitions/Metadata"},"spec":{"$ref":"#/definitions/SyncTargetSpec"}}};
const schema18 = {"type":"object","title":"SyncTargetSpec","required":["type"],"additionalProperties":false,"properties":{"type":{"enum":["loadtester","file"]},"url":{"type":"string","format":"uri"},"path":{"type":"string","minLength":1},"format":{"enum":["artillery-csv","csv","k6-json"]},"timeoutSeconds":{"type":"number","exclusiveMinimum":0,"maximum":3600,"default":30},"retry":{"type":"object","additionalProperties":false,"properties":{"attempts":{"type":"integer","minimum":1,"maximum":20,"default":3},"delaySeconds":{"type":"number","minimum":0,"maximum":600,"default":15}}},"concurrency":{"type":"integer","minimum":1,"maximum":64,"default":4},"chunkSize":{"type":"integer","minimum":1,"maximum":50000,"default":1000}}};
const formats2 = require("ajv-formats/dist/formats").fullFormats.uri;

function validate27(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
let vErrors = null;
let errors = 0;
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.apiVersion === undefined){
const err0 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "apiVersion"},message:"must have required property '"+"apiVersion"+"'",schema:schema16.required,parentSchema:schema16,data};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
if(data.kind === undefined){
const err1 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "kind"},message:"must have required property '"+"kind"+"'",schema:schema16.required,parentSchema:schema16,data};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
if(data.metadata === undefined){
const err2 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "metadata"},message:"must have required property '"+"metadata"+"'",schema:schema16.required,parentSchema:schema16,data};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
if(data.spec === undefined){
const err3 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "spec"},message:"must have required property '"+"spec"+"'",schema:schema16.required,parentSchema:schema16,data};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
for(const key0 in data){
if(!((((key0 === "apiVersion") || (key0 === "kind")) || (key0 === "metadata")) || (key0 === "spec"))){
const err4 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties",schema:false,parentSchema:schema16,data};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
}
if(data.apiVersion !== undefined){
let data0 = data.apiVersion;
if("bulk-users/v1" !== data0){
const err5 = {instancePath:instancePath+"/apiVersion",schemaPath:"#/properties/apiVersion/const",keyword:"const",params:{allowedValue: "bulk-users/v1"},message:"must be equal to constant",schema:"bulk-users/v1",parentSchema:schema16.properties.apiVersion,data:data0};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
}
if(data.kind !== undefined){
let data1 = data.kind;
if("SyncTarget" !== data1){
const err6 = {instancePath:instancePath+"/kind",schemaPath:"#/properties/kind/const",keyword:"const",params:{allowedValue: "SyncTarget"},message:"must be equal to constant",schema:"SyncTarget",parentSchema:schema16.properties.kind,data:data1};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
}
if(data.metadata !== undefined){
let data2 = data.metadata;
if(data2 && typeof data2 == "object" && !Array.isArray(data2)){
if(data2.name === undefined){
const err7 = {instancePath:instancePath+"/metadata",schemaPath:"#/definitions/Metadata/required",keyword:"required",params:{missingProperty: "name"},message:"must have required property '"+"name"+"'",schema:schema13.required,parentSchema:schema13,data:data2};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
for(const key1 in data2){
if(!(((key1 === "name") || (key1 === "labels")) || (key1 === "annotations"))){
const err8 = {instancePath:instancePath+"/metadata",schemaPath:"#/definitions/Metadata/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key1},message:"must NOT have additional properties",schema:false,parentSchema:schema13,data:data2};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
}
if(data2.name !== undefined){
let data3 = data2.name;
if(typeof data3 === "string"){
if(!pattern0.test(data3)){
const err9 = {instancePath:instancePath+"/metadata/name",schemaPath:"#/definitions/Metadata/properties/name/pattern",keyword:"pattern",params:{pattern: "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$"},message:"must match pattern \""+"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$"+"\"",schema:"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$",parentSchema:schema13.properties.name,data:data3};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
}
else {
const err10 = {instancePath:instancePath+"/metadata/name",schemaPath:"#/definitions/Metadata/properties/name/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema13.properties.name.type,parentSchema:schema13.properties.name,data:data3};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
}
if(data2.labels !== undefined){
let data4 = data2.labels;
if(data4 && typeof data4 == "object" && !Array.isArray(data4)){
for(const key2 in data4){
let data5 = data4[key2];
if(typeof data5 !== "string"){
const err11 = {instancePath:instancePath+"/metadata/labels/" + key2.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/definitions/Metadata/properties/labels/additionalProperties/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema13.properties.labels.additionalProperties.type,parentSchema:schema13.properties.labels.additionalProperties,data:data5};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
}
}
else {
const err12 = {instancePath:instancePath+"/metadata/labels",schemaPath:"#/definitions/Metadata/properties/labels/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema13.properties.labels.type,parentSchema:schema13.properties.labels,data:data4};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
}
if(data2.annotations !== undefined){
let data6 = data2.annotations;
if(data6 && typeof data6 == "object" && !Array.isArray(data6)){
for(const key3 in data6){
let data7 = data6[key3];
if(typeof data7 !== "string"){
const err13 = {instancePath:instancePath+"/metadata/annotations/" + key3.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/definitions/Metadata/properties/annotations/additionalProperties/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema13.properties.annotations.additionalProperties.type,parentSchema:schema13.properties.annotations.additionalProperties,data:data7};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
}
}
else {
const err14 = {instancePath:instancePath+"/metadata/annotations",schemaPath:"#/definitions/Metadata/properties/annotations/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema13.properties.annotations.type,parentSchema:schema13.properties.annotations,data:data6};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
}
}
else {
const err15 = {instancePath:instancePath+"/metadata",schemaPath:"#/definitions/Metadata/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema13.type,parentSchema:schema13,data:data2};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
}
if(data.spec !== undefined){
let data8 = data.spec;
if(data8 && typeof data8 == "object" && !Array.isArray(data8)){
if(data8.type === undefined){
const err16 = {instancePath:instancePath+"/spec",schemaPath:"#/definitions/SyncTargetSpec/required",keyword:"required",params:{missingProperty: "type"},message:"must have required property '"+"type"+"'",schema:schema18.required,parentSchema:schema18,data:data8};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
for(const key4 in data8){
if(!((((((((key4 === "type") || (key4 === "url")) || (key4 === "path")) || (key4 === "format")) || (key4 === "timeoutSeconds")) || (key4 === "retry")) || (key4 === "concurrency")) || (key4 === "chunkSize"))){
const err17 = {instancePath:instancePath+"/spec",schemaPath:"#/definitions/SyncTargetSpec/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key4},message:"must NOT have additional properties",schema:false,parentSchema:schema18,data:data8};
if(vErrors === null){
vErrors = [err17];
}
else {
vErrors.push(err17);
}
errors++;
}
}
if(data8.type !== undefined){
let data9 = data8.type;
if(!((data9 === "loadtester") || (data9 === "file"))){
const err18 = {instancePath:instancePath+"/spec/type",schemaPath:"#/definitions/SyncTargetSpec/properties/type/enum",keyword:"enum",params:{allowedValues: schema18.properties.type.enum},message:"must be equal to one of the allowed values",schema:schema18.properties.type.enum,parentSchema:schema18.properties.type,data:data9};
if(vErrors === null){
vErrors = [err18];
}
else {
vErrors.push(err18);
}
errors++;
}
}
if(data8.url !== undefined){
let data10 = data8.url;
if(typeof data10 === "string"){
if(!(formats2(data10))){
const err19 = {instancePath:instancePath+"/spec/url",schemaPath:"#/definitions/SyncTargetSpec/properties/url/format",keyword:"format",params:{format: "uri"},message:"must match format \""+"uri"+"\"",schema:"uri",parentSchema:schema18.properties.url,data:data10};
if(vErrors === null){
vErrors = [err19];
}
else {
vErrors.push(err19);
}
errors++;
}
}
else {
const err20 = {instancePath:instancePath+"/spec/url",schemaPath:"#/definitions/SyncTargetSpec/properties/url/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema18.properties.url.type,parentSchema:schema18.properties.url,data:data10};
if(vErrors === null){
vErrors = [err20];
}
else {
vErrors.push(err20);
}
errors++;
}
}
if(data8.path !== undefined){
let data11 = data8.path;
if(typeof data11 === "string"){
if(func3(data11) < 1){
const err21 = {instancePath:instancePath+"/spec/path",schemaPath:"#/definitions/SyncTargetSpec/properties/path/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema18.properties.path,data:data11};
if(vErrors === null){
vErrors = [err21];
}
else {
vErrors.push(err21);
}
errors++;
}
}
else {
const err22 = {instancePath:instancePath+"/spec/path",schemaPath:"#/definitions/SyncTargetSpec/properties/path/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema18.properties.path.type,parentSchema:schema18.properties.path,data:data11};
if(vErrors === null){
vErrors = [err22];
}
else {
vErrors.push(err22);
}
errors++;
}
}
if(data8.format !== undefined){
let data12 = data8.format;
if(!(((data12 === "artillery-csv") || (data12 === "csv")) || (data12 === "k6-json"))){
const err23 = {instancePath:instancePath+"/spec/format",schemaPath:"#/definitions/SyncTargetSpec/properties/format/enum",keyword:"enum",params:{allowedValues: schema18.properties.format.enum},message:"must be equal to one of the allowed values",schema:schema18.properties.format.enum,parentSchema:schema18.properties.format,data:data12};
if(vErrors === null){
vErrors = [err23];
}
else {
vErrors.push(err23);
}
errors++;
}
}
if(data8.timeoutSeconds !== undefined){
let data13 = data8.timeoutSeconds;
if(typeof data13 == "number"){
if(data13 > 3600 || isNaN(data13)){
const err24 = {instancePath:instancePath+"/spec/timeoutSeconds",schemaPath:"#/definitions/SyncTargetSpec/properties/timeoutSeconds/maximum",keyword:"maximum",params:{comparison: "<=", limit: 3600},message:"must be <= 3600",schema:3600,parentSchema:schema18.properties.timeoutSeconds,data:data13};
if(vErrors === null){
vErrors = [err24];
}
else {
vErrors.push(err24);
}
errors++;
}
if(data13 <= 0 || isNaN(data13)){
const err25 = {instancePath:instancePath+"/spec/timeoutSeconds",schemaPath:"#/definitions/SyncTargetSpec/properties/timeoutSeconds/exclusiveMinimum",keyword:"exclusiveMinimum",params:{comparison: ">", limit: 0},message:"must be > 0",schema:0,parentSchema:schema18.properties.timeoutSeconds,data:data13};
if(vErrors === null){
vErrors = [err25];
}
else {
vErrors.push(err25);
}
errors++;
}
}
else {
const err26 = {instancePath:instancePath+"/spec/timeoutSeconds",schemaPath:"#/definitions/SyncTargetSpec/properties/timeoutSeconds/type",keyword:"type",params:{type: "number"},message:"must be number",schema:schema18.properties.timeoutSeconds.type,parentSchema:schema18.properties.timeoutSeconds,data:data13};
if(vErrors === null){
vErrors = [err26];
}
else {
vErrors.push(err26);
}
errors++;
}
}
if(data8.retry !== undefined){
let data14 = data8.retry;
if(data14 && typeof data14 == "object" && !Array.isArray(data14)){
for(const key5 in data14){
if(!((key5 === "attempts") || (key5 === "delaySeconds"))){
const err27 = {instancePath:instancePath+"/spec/retry",schemaPath:"#/definitions/SyncTargetSpec/properties/retry/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key5},message:"must NOT have additional properties",schema:false,parentSchema:schema18.properties.retry,data:data14};
if(vErrors === null){
vErrors = [err27];
}
else {
vErrors.push(err27);
}
errors++;
}
}
if(data14.attempts !== undefined){
let data15 = data14.attempts;
if(!((typeof data15 == "number") && (!(data15 % 1) && !isNaN(data15)))){
const err28 = {instancePath:instancePath+"/spec/retry/attempts",schemaPath:"#/definitions/SyncTargetSpec/properties/retry/properties/attempts/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema18.properties.retry.properties.attempts.type,parentSchema:schema18.properties.retry.properties.attempts,data:data15};
if(vErrors === null){
vErrors = [err28];
}
else {
vErrors.push(err28);
}
errors++;
}
if(typeof data15 == "number"){
if(data15 > 20 || isNaN(data15)){
const err29 = {instancePath:instancePath+"/spec/retry/attempts",schemaPath:"#/definitions/SyncTargetSpec/properties/retry/properties/attempts/maximum",keyword:"maximum",params:{comparison: "<=", limit: 20},message:"must be <= 20",schema:20,parentSchema:schema18.properties.retry.properties.attempts,data:data15};
if(vErrors === null){
vErrors = [err29];
}
else {
vErrors.push(err29);
}
errors++;
}
if(data15 < 1 || isNaN(data15)){
const err30 = {instancePath:instancePath+"/spec/retry/attempts",schemaPath:"#/definitions/SyncTargetSpec/properties/retry/properties/attempts/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1",schema:1,parentSchema:schema18.properties.retry.properties.attempts,data:data15};
if(vErrors === null){
vErrors = [err30];
}
else {
vErrors.push(err30);
}
errors++;
}
}
}
if(data14.delaySeconds !== undefined){
let data16 = data14.delaySeconds;
if(typeof data16 == "number"){
if(data16 > 600 || isNaN(data16)){
const err31 = {instancePath:instancePath+"/spec/retry/delaySeconds",schemaPath:"#/definitions/SyncTargetSpec/properties/retry/properties/delaySeconds/maximum",keyword:"maximum",params:{comparison: "<=", limit: 600},message:"must be <= 600",schema:600,parentSchema:schema18.properties.retry.properties.delaySeconds,data:data16};
if(vErrors === null){
vErrors = [err31];
}
else {
vErrors.push(err31);
}
errors++;
}
if(data16 < 0 || isNaN(data16)){
const err32 = {instancePath:instancePath+"/spec/retry/delaySeconds",schemaPath:"#/definitions/SyncTargetSpec/properties/retry/properties/delaySeconds/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0",schema:0,parentSchema:schema18.properties.retry.properties.delaySeconds,data:data16};
if(vErrors === null){
vErrors = [err32];
}
else {
vErrors.push(err32);
}
errors++;
}
}
else {
const err33 = {instancePath:instancePath+"/spec/retry/delaySeconds",schemaPath:"#/definitions/SyncTargetSpec/properties/retry/properties/delaySeconds/type",keyword:"type",params:{type: "number"},message:"must be number",schema:schema18.properties.retry.properties.delaySeconds.type,parentSchema:schema18.properties.retry.properties.delaySeconds,data:data16};
if(vErrors === null){
vErrors = [err33];
}
else {
vErrors.push(err33);
}
errors++;
}
}
}
else {
const err34 = {instancePath:instancePath+"/spec/retry",schemaPath:"#/definitions/SyncTargetSpec/properties/retry/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema18.properties.retry.type,parentSchema:schema18.properties.retry,data:data14};
if(vErrors === null){
vErrors = [err34];
}
else {
vErrors.push(err34);
}
errors++;
}
}
if(data8.concurrency !== undefined){
let data17 = data8.concurrency;
if(!((typeof data17 == "number") && (!(data17 % 1) && !isNaN(data17)))){
const err35 = {instancePath:instancePath+"/spec/concurrency",schemaPath:"#/definitions/SyncTargetSpec/properties/concurrency/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema18.properties.concurrency.type,parentSchema:schema18.properties.concurrency,data:data17};
if(vErrors === null){
vErrors = [err35];
}
else {
vErrors.push(err35);
}
errors++;
}
if(typeof data17 == "number"){
if(data17 > 64 || isNaN(data17)){
const err36 = {instancePath:instancePath+"/spec/concurrency",schemaPath:"#/definitions/SyncTargetSpec/properties/concurrency/maximum",keyword:"maximum",params:{comparison: "<=", limit: 64},message:"must be <= 64",schema:64,parentSchema:schema18.properties.concurrency,data:data17};
if(vErrors === null){
vErrors = [err36];
}
else {
vErrors.push(err36);
}
errors++;
}
if(data17 < 1 || isNaN(data17)){
const err37 = {instancePath:instancePath+"/spec/concurrency",schemaPath:"#/definitions/SyncTargetSpec/properties/concurrency/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1",schema:1,parentSchema:schema18.properties.concurrency,data:data17};
if(vErrors === null){
vErrors = [err37];
}
else {
vErrors.push(err37);
}
errors++;
}
}
}
if(data8.chunkSize !== undefined){
let data18 = data8.chunkSize;
if(!((typeof data18 == "number") && (!(data18 % 1) && !isNaN(data18)))){
const err38 = {instancePath:instancePath+"/spec/chunkSize",schemaPath:"#/definitions/SyncTargetSpec/properties/chunkSize/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema18.properties.chunkSize.type,parentSchema:schema18.properties.chunkSize,data:data18};
if(vErrors === null){
vErrors = [err38];
}
else {
vErrors.push(err38);
}
errors++;
}
if(typeof data18 == "number"){
if(data18 > 50000 || isNaN(data18)){
const err39 = {instancePath:instancePath+"/spec/chunkSize",schemaPath:"#/definitions/SyncTargetSpec/properties/chunkSize/maximum",keyword:"maximum",params:{comparison: "<=", limit: 50000},message:"must be <= 50000",schema:50000,parentSchema:schema18.properties.chunkSize,data:data18};
if(vErrors === null){
vErrors = [err39];
}
else {
vErrors.push(err39);
}
errors++;
}
if(data18 < 1 || isNaN(data18)){
const err40 = {instancePath:instancePath+"/spec/chunkSize",schemaPath:"#/definitions/SyncTargetSpec/properties/chunkSize/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1",schema:1,parentSchema:schema18.properties.chunkSize,data:data18};
if(vErrors === null){
vErrors = [err40];
}
else {
vErrors.push(err40);
}
errors++;
}
}
}
}
else {
const err41 = {instancePath:instancePath+"/spec",schemaPath:"#/definitions/SyncTargetSpec/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema18.type,parentSchema:schema18,data:data8};
if(vErrors === null){
vErrors = [err41];
}
else {
vErrors.push(err41);
}
errors++;
}
}
}
else {
const err42 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema16.type,parentSchema:schema16,data};
if(vErrors === null){
vErrors = [err42];
}
else {
vErrors.push(err42);
}
errors++;
}
validate27.errors = vErrors;
return errors === 0;
}

export const ReconcilerConfig = validate28;
const schema19 = {"type":"object","title":"ReconcilerConfig","required":["apiVersion","kind","metadata","spec"],"additionalProperties":false,"properties":{"apiVersion":{"const":"bulk-users/v1"},"kind":{"const":"ReconcilerConfig"},"metadata":{"$ref":"#/definitions/Metadata"},"spec":{"$ref":"#/definitions/ReconcilerConfigSpec"}}};
const schema21 = {"type":"object","title":"ReconcilerConfigSpec","additionalProperties":false,"properties":{"strictMode":{"type":"boolean","default":true,"description":"Never delete a row that is not is_test_user = true and owned by a population the reconciler knows."},"maxDeletePercent":{"type":"number","minimum":0,"maximum":100,"default":50,"description":"Largest share of managed users one run may delete without --allow-mass-delete."},"allowPartialCleanup":{"type":"boolean","default":false,"description":"When false, a cleanup deletes a population from the database only after every target confirmed deleting it."},"confirmationRequired":{"type":"boolean","default":true,"description":"An interactive run asks before deleting; a non-interactive one needs --yes."},"writeStreams":{"type":"integer","minimum":1,"maximum":4,"default":2,"description":"Create batches written at once, each a COPY on its own pooled connection (the pool holds 4). One stream keeps about one PostgreSQL core busy."},"passwordHash":{"$ref":"#/definitions/PasswordHash"}}};
const schema22 = {"type":"object","title":"PasswordHash","description":"How test users' passwords are hashed: the format the application's login code accepts. Each algorithm takes only its own parameters; left out, they take the defaults named in their descriptions. Changing the algorithm or a parameter rehashes each population once on the next reconcile.","required":["algorithm"],"additionalProperties":false,"properties":{"algorithm":{"type":"string","enum":["scrypt","werkzeug-scrypt","bcrypt","argon2id","django-pbkdf2-sha256","werkzeug-pbkdf2-sha256"],"description":"The format the application's login code reads: scrypt (this project's own scrypt$N$r$p$salt$hash), bcrypt ($2b$), argon2id (PHC string), django-pbkdf2-sha256 (pbkdf2_sha256$...), werkzeug-scrypt (scrypt:N:r:p$...) or werkzeug-pbkdf2-sha256 (pbkdf2:sha256:N$...)."},"n":{"type":"integer","enum":[1024,2048,4096,8192,16384,32768,65536,131072],"description":"scrypt CPU/memory cost N, a power of two up to 131072 (default 32768)."},"r":{"type":"integer","minimum":1,"maximum":32,"description":"scrypt block size r (default 8)."},"p":{"type":"integer","minimum":1,"maximum":16,"description":"scrypt parallelization p (default 1)."},"cost":{"type":"integer","minimum":4,"maximum":20,"description":"bcrypt cost, log2 of the rounds (default 12)."},"memoryCost":{"type":"integer","minimum":8,"maximum":1048576,"description":"argon2id memory in KiB, m= (default 19456)."},"timeCost":{"type":"integer","minimum":1,"maximum":100,"description":"argon2id passes, t= (default 2)."},"parallelism":{"type":"integer","minimum":1,"maximum":16,"description":"argon2id lanes, p= (default 1)."},"iterations":{"type":"integer","minimum":1000,"maximum":10000000,"description":"PBKDF2-HMAC-SHA256 iterations (default 1000000, the value of Django 5.2 and Werkzeug 3.1)."}},"allOf":[{"if":{"properties":{"algorithm":{"const":"scrypt"}}},"then":{"properties":{"algorithm":true,"n":true,"r":true,"p":true},"additionalProperties":false}},{"if":{"properties":{"algorithm":{"const":"werkzeug-scrypt"}}},"then":{"properties":{"algorithm":true,"n":true,"r":true,"p":true},"additionalProperties":false}},{"if":{"properties":{"algorithm":{"const":"bcrypt"}}},"then":{"properties":{"algorithm":true,"cost":true},"additionalProperties":false}},{"if":{"properties":{"algorithm":{"const":"argon2id"}}},"then":{"properties":{"algorithm":true,"memoryCost":true,"timeCost":true,"parallelism":true},"additionalProperties":false}},{"if":{"properties":{"algorithm":{"const":"django-pbkdf2-sha256"}}},"then":{"properties":{"algorithm":true,"iterations":true},"additionalProperties":false}},{"if":{"properties":{"algorithm":{"const":"werkzeug-pbkdf2-sha256"}}},"then":{"properties":{"algorithm":true,"iterations":true},"additionalProperties":false}}]};

function validate18(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
let vErrors = null;
let errors = 0;
if(data && typeof data == "object" && !Array.isArray(data)){
for(const key0 in data){
if(!((((((key0 === "strictMode") || (key0 === "maxDeletePercent")) || (key0 === "allowPartialCleanup")) || (key0 === "confirmationRequired")) || (key0 === "writeStreams")) || (key0 === "passwordHash"))){
const err0 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties",schema:false,parentSchema:schema21,data};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
}
if(data.strictMode !== undefined){
let data0 = data.strictMode;
if(typeof data0 !== "boolean"){
const err1 = {instancePath:instancePath+"/strictMode",schemaPath:"#/properties/strictMode/type",keyword:"type",params:{type: "boolean"},message:"must be boolean",schema:schema21.properties.strictMode.type,parentSchema:schema21.properties.strictMode,data:data0};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
}
if(data.maxDeletePercent !== undefined){
let data1 = data.maxDeletePercent;
if(typeof data1 == "number"){
if(data1 > 100 || isNaN(data1)){
const err2 = {instancePath:instancePath+"/maxDeletePercent",schemaPath:"#/properties/maxDeletePercent/maximum",keyword:"maximum",params:{comparison: "<=", limit: 100},message:"must be <= 100",schema:100,parentSchema:schema21.properties.maxDeletePercent,data:data1};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
if(data1 < 0 || isNaN(data1)){
const err3 = {instancePath:instancePath+"/maxDeletePercent",schemaPath:"#/properties/maxDeletePercent/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0",schema:0,parentSchema:schema21.properties.maxDeletePercent,data:data1};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
}
else {
const err4 = {instancePath:instancePath+"/maxDeletePercent",schemaPath:"#/properties/maxDeletePercent/type",keyword:"type",params:{type: "number"},message:"must be number",schema:schema21.properties.maxDeletePercent.type,parentSchema:schema21.properties.maxDeletePercent,data:data1};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
}
if(data.allowPartialCleanup !== undefined){
let data2 = data.allowPartialCleanup;
if(typeof data2 !== "boolean"){
const err5 = {instancePath:instancePath+"/allowPartialCleanup",schemaPath:"#/properties/allowPartialCleanup/type",keyword:"type",params:{type: "boolean"},message:"must be boolean",schema:schema21.properties.allowPartialCleanup.type,parentSchema:schema21.properties.allowPartialCleanup,data:data2};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
}
if(data.confirmationRequired !== undefined){
let data3 = data.confirmationRequired;
if(typeof data3 !== "boolean"){
const err6 = {instancePath:instancePath+"/confirmationRequired",schemaPath:"#/properties/confirmationRequired/type",keyword:"type",params:{type: "boolean"},message:"must be boolean",schema:schema21.properties.confirmationRequired.type,parentSchema:schema21.properties.confirmationRequired,data:data3};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
}
if(data.writeStreams !== undefined){
let data4 = data.writeStreams;
if(!((typeof data4 == "number") && (!(data4 % 1) && !isNaN(data4)))){
const err7 = {instancePath:instancePath+"/writeStreams",schemaPath:"#/properties/writeStreams/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema21.properties.writeStreams.type,parentSchema:schema21.properties.writeStreams,data:data4};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
if(typeof data4 == "number"){
if(data4 > 4 || isNaN(data4)){
const err8 = {instancePath:instancePath+"/writeStreams",schemaPath:"#/properties/writeStreams/maximum",keyword:"maximum",params:{comparison: "<=", limit: 4},message:"must be <= 4",schema:4,parentSchema:schema21.properties.writeStreams,data:data4};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
if(data4 < 1 || isNaN(data4)){
const err9 = {instancePath:instancePath+"/writeStreams",schemaPath:"#/properties/writeStreams/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1",schema:1,parentSchema:schema21.properties.writeStreams,data:data4};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
}
}
if(data.passwordHash !== undefined){
let data5 = data.passwordHash;
const _errs16 = errors;
let valid3 = true;
const _errs17 = errors;
if(data5 && typeof data5 == "object" && !Array.isArray(data5)){
if(data5.algorithm !== undefined){
if("scrypt" !== data5.algorithm){
const err10 = {};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
}
}
var _valid0 = _errs17 === errors;
errors = _errs16;
if(vErrors !== null){
if(_errs16){
vErrors.length = _errs16;
}
else {
vErrors = null;
}
}
if(_valid0){
const _errs19 = errors;
if(data5 && typeof data5 == "object" && !Array.isArray(data5)){
for(const key1 in data5){
if(!((((key1 === "algorithm") || (key1 === "n")) || (key1 === "r")) || (key1 === "p"))){
const err11 = {instancePath:instancePath+"/passwordHash",schemaPath:"#/definitions/PasswordHash/allOf/0/then/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key1},message:"must NOT have additional properties",schema:false,parentSchema:schema22.allOf[0].then,data:data5};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
}
}
var _valid0 = _errs19 === errors;
valid3 = _valid0;
}
if(!valid3){
const err12 = {instancePath:instancePath+"/passwordHash",schemaPath:"#/definitions/PasswordHash/allOf/0/if",keyword:"if",params:{failingKeyword: "then"},message:"must match \"then\" schema",schema:schema22.allOf[0].if,parentSchema:schema22.allOf[0],data:data5};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
const _errs22 = errors;
let valid5 = true;
const _errs23 = errors;
if(data5 && typeof data5 == "object" && !Array.isArray(data5)){
if(data5.algorithm !== undefined){
if("werkzeug-scrypt" !== data5.algorithm){
const err13 = {};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
}
}
var _valid1 = _errs23 === errors;
errors = _errs22;
if(vErrors !== null){
if(_errs22){
vErrors.length = _errs22;
}
else {
vErrors = null;
}
}
if(_valid1){
const _errs25 = errors;
if(data5 && typeof data5 == "object" && !Array.isArray(data5)){
for(const key2 in data5){
if(!((((key2 === "algorithm") || (key2 === "n")) || (key2 === "r")) || (key2 === "p"))){
const err14 = {instancePath:instancePath+"/passwordHash",schemaPath:"#/definitions/PasswordHash/allOf/1/then/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key2},message:"must NOT have additional properties",schema:false,parentSchema:schema22.allOf[1].then,data:data5};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
}
}
var _valid1 = _errs25 === errors;
valid5 = _valid1;
}
if(!valid5){
const err15 = {instancePath:instancePath+"/passwordHash",schemaPath:"#/definitions/PasswordHash/allOf/1/if",keyword:"if",params:{failingKeyword: "then"},message:"must match \"then\" schema",schema:schema22.allOf[1].if,parentSchema:schema22.allOf[1],data:data5};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
const _errs28 = errors;
let valid7 = true;
const _errs29 = errors;
if(data5 && typeof data5 == "object" && !Array.isArray(data5)){
if(data5.algorithm !== undefined){
if("bcrypt" !== data5.algorithm){
const err16 = {};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
}
}
var _valid2 = _errs29 === errors;
errors = _errs28;
if(vErrors !== null){
if(_errs28){
vErrors.length = _errs28;
}
else {
vErrors = null;
}
}
if(_valid2){
const _errs31 = errors;
if(data5 && typeof data5 == "object" && !Array.isArray(data5)){
for(const key3 in data5){
if(!((key3 === "algorithm") || (key3 === "cost"))){
const err17 = {instancePath:instancePath+"/passwordHash",schemaPath:"#/definitions/PasswordHash/allOf/2/then/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key3},message:"must NOT have additional properties",schema:false,parentSchema:schema22.allOf[2].then,data:data5};
if(vErrors === null){
vErrors = [err17];
}
else {
vErrors.push(err17);
}
errors++;
}
}
}
var _valid2 = _errs31 === errors;
valid7 = _valid2;
}
if(!valid7){
const err18 = {instancePath:instancePath+"/passwordHash",schemaPath:"#/definitions/PasswordHash/allOf/2/if",keyword:"if",params:{failingKeyword: "then"},message:"must match \"then\" schema",schema:schema22.allOf[2].if,parentSchema:schema22.allOf[2],data:data5};
if(vErrors === null){
vErrors = [err18];
}
else {
vErrors.push(err18);
}
errors++;
}
const _errs34 = errors;
let valid9 = true;
const _errs35 = errors;
if(data5 && typeof data5 == "object" && !Array.isArray(data5)){
if(data5.algorithm !== undefined){
if("argon2id" !== data5.algorithm){
const err19 = {};
if(vErrors === null){
vErrors = [err19];
}
else {
vErrors.push(err19);
}
errors++;
}
}
}
var _valid3 = _errs35 === errors;
errors = _errs34;
if(vErrors !== null){
if(_errs34){
vErrors.length = _errs34;
}
else {
vErrors = null;
}
}
if(_valid3){
const _errs37 = errors;
if(data5 && typeof data5 == "object" && !Array.isArray(data5)){
for(const key4 in data5){
if(!((((key4 === "algorithm") || (key4 === "memoryCost")) || (key4 === "timeCost")) || (key4 === "parallelism"))){
const err20 = {instancePath:instancePath+"/passwordHash",schemaPath:"#/definitions/PasswordHash/allOf/3/then/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key4},message:"must NOT have additional properties",schema:false,parentSchema:schema22.allOf[3].then,data:data5};
if(vErrors === null){
vErrors = [err20];
}
else {
vErrors.push(err20);
}
errors++;
}
}
}
var _valid3 = _errs37 === errors;
valid9 = _valid3;
}
if(!valid9){
const err21 = {instancePath:instancePath+"/passwordHash",schemaPath:"#/definitions/PasswordHash/allOf/3/if",keyword:"if",params:{failingKeyword: "then"},message:"must match \"then\" schema",schema:schema22.allOf[3].if,parentSchema:schema22.allOf[3],data:data5};
if(vErrors === null){
vErrors = [err21];
}
else {
vErrors.push(err21);
}
errors++;
}
const _errs40 = errors;
let valid11 = true;
const _errs41 = errors;
if(data5 && typeof data5 == "object" && !Array.isArray(data5)){
if(data5.algorithm !== undefined){
if("django-pbkdf2-sha256" !== data5.algorithm){
const err22 = {};
if(vErrors === null){
vErrors = [err22];
}
else {
vErrors.push(err22);
}
errors++;
}
}
}
var _valid4 = _errs41 === errors;
errors = _errs40;
if(vErrors !== null){
if(_errs40){
vErrors.length = _errs40;
}
else {
vErrors = null;
}
}
if(_valid4){
const _errs43 = errors;
if(data5 && typeof data5 == "object" && !Array.isArray(data5)){
for(const key5 in data5){
if(!((key5 === "algorithm") || (key5 === "iterations"))){
const err23 = {instancePath:instancePath+"/passwordHash",schemaPath:"#/definitions/PasswordHash/allOf/4/then/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key5},message:"must NOT have additional properties",schema:false,parentSchema:schema22.allOf[4].then,data:data5};
if(vErrors === null){
vErrors = [err23];
}
else {
vErrors.push(err23);
}
errors++;
}
}
}
var _valid4 = _errs43 === errors;
valid11 = _valid4;
}
if(!valid11){
const err24 = {instancePath:instancePath+"/passwordHash",schemaPath:"#/definitions/PasswordHash/allOf/4/if",keyword:"if",params:{failingKeyword: "then"},message:"must match \"then\" schema",schema:schema22.allOf[4].if,parentSchema:schema22.allOf[4],data:data5};
if(vErrors === null){
vErrors = [err24];
}
else {
vErrors.push(err24);
}
errors++;
}
const _errs46 = errors;
let valid13 = true;
const _errs47 = errors;
if(data5 && typeof data5 == "object" && !Array.isArray(data5)){
if(data5.algorithm !== undefined){
if("werkzeug-pbkdf2-sha256" !== data5.algorithm){
const err25 = {};
if(vErrors === null){
vErrors = [err25];
}
else {
vErrors.push(err25);
}
errors++;
}
}
}
var _valid5 = _errs47 === errors;
errors = _errs46;
if(vErrors !== null){
if(_errs46){
vErrors.length = _errs46;
}
else {
vErrors = null;
}
}
if(_valid5){
const _errs49 = errors;
if(data5 && typeof data5 == "object" && !Array.isArray(data5)){
for(const key6 in data5){
if(!((key6 === "algorithm") || (key6 === "iterations"))){
const err26 = {instancePath:instancePath+"/passwordHash",schemaPath:"#/definitions/PasswordHash/allOf/5/then/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key6},message:"must NOT have additional properties",schema:false,parentSchema:schema22.allOf[5].then,data:data5};
if(vErrors === null){
vErrors = [err26];
}
else {
vErrors.push(err26);
}
errors++;
}
}
}
var _valid5 = _errs49 === errors;
valid13 = _valid5;
}
if(!valid13){
const err27 = {instancePath:instancePath+"/passwordHash",schemaPath:"#/definitions/PasswordHash/allOf/5/if",keyword:"if",params:{failingKeyword: "then"},message:"must match \"then\" schema",schema:schema22.allOf[5].if,parentSchema:schema22.allOf[5],data:data5};
if(vErrors === null){
vErrors = [err27];
}
else {
vErrors.push(err27);
}
errors++;
}
if(data5 && typeof data5 == "object" && !Array.isArray(data5)){
if(data5.algorithm === undefined){
const err28 = {instancePath:instancePath+"/passwordHash",schemaPath:"#/definitions/PasswordHash/required",keyword:"required",params:{missingProperty: "algorithm"},message:"must have required property '"+"algorithm"+"'",schema:schema22.required,parentSchema:schema22,data:data5};
if(vErrors === null){
vErrors = [err28];
}
else {
vErrors.push(err28);
}
errors++;
}
for(const key7 in data5){
if(!(func2.call(schema22.properties, key7))){
const err29 = {instancePath:instancePath+"/passwordHash",schemaPath:"#/definitions/PasswordHash/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key7},message:"must NOT have additional properties",schema:false,parentSchema:schema22,data:data5};
if(vErrors === null){
vErrors = [err29];
}
else {
vErrors.push(err29);
}
errors++;
}
}
if(data5.algorithm !== undefined){
let data12 = data5.algorithm;
if(typeof data12 !== "string"){
const err30 = {instancePath:instancePath+"/passwordHash/algorithm",schemaPath:"#/definitions/PasswordHash/properties/algorithm/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema22.properties.algorithm.type,parentSchema:schema22.properties.algorithm,data:data12};
if(vErrors === null){
vErrors = [err30];
}
else {
vErrors.push(err30);
}
errors++;
}
if(!((((((data12 === "scrypt") || (data12 === "werkzeug-scrypt")) || (data12 === "bcrypt")) || (data12 === "argon2id")) || (data12 === "django-pbkdf2-sha256")) || (data12 === "werkzeug-pbkdf2-sha256"))){
const err31 = {instancePath:instancePath+"/passwordHash/algorithm",schemaPath:"#/definitions/PasswordHash/properties/algorithm/enum",keyword:"enum",params:{allowedValues: schema22.properties.algorithm.enum},message:"must be equal to one of the allowed values",schema:schema22.properties.algorithm.enum,parentSchema:schema22.properties.algorithm,data:data12};
if(vErrors === null){
vErrors = [err31];
}
else {
vErrors.push(err31);
}
errors++;
}
}
if(data5.n !== undefined){
let data13 = data5.n;
if(!((typeof data13 == "number") && (!(data13 % 1) && !isNaN(data13)))){
const err32 = {instancePath:instancePath+"/passwordHash/n",schemaPath:"#/definitions/PasswordHash/properties/n/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema22.properties.n.type,parentSchema:schema22.properties.n,data:data13};
if(vErrors === null){
vErrors = [err32];
}
else {
vErrors.push(err32);
}
errors++;
}
if(!((((((((data13 === 1024) || (data13 === 2048)) || (data13 === 4096)) || (data13 === 8192)) || (data13 === 16384)) || (data13 === 32768)) || (data13 === 65536)) || (data13 === 131072))){
const err33 = {instancePath:instancePath+"/passwordHash/n",schemaPath:"#/definitions/PasswordHash/properties/n/enum",keyword:"enum",params:{allowedValues: schema22.properties.n.enum},message:"must be equal to one of the allowed values",schema:schema22.properties.n.enum,parentSchema:schema22.properties.n,data:data13};
if(vErrors === null){
vErrors = [err33];
}
else {
vErrors.push(err33);
}
errors++;
}
}
if(data5.r !== undefined){
let data14 = data5.r;
if(!((typeof data14 == "number") && (!(data14 % 1) && !isNaN(data14)))){
const err34 = {instancePath:instancePath+"/passwordHash/r",schemaPath:"#/definitions/PasswordHash/properties/r/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema22.properties.r.type,parentSchema:schema22.properties.r,data:data14};
if(vErrors === null){
vErrors = [err34];
}
else {
vErrors.push(err34);
}
errors++;
}
if(typeof data14 == "number"){
if(data14 > 32 || isNaN(data14)){
const err35 = {instancePath:instancePath+"/passwordHash/r",schemaPath:"#/definitions/PasswordHash/properties/r/maximum",keyword:"maximum",params:{comparison: "<=", limit: 32},message:"must be <= 32",schema:32,parentSchema:schema22.properties.r,data:data14};
if(vErrors === null){
vErrors = [err35];
}
else {
vErrors.push(err35);
}
errors++;
}
if(data14 < 1 || isNaN(data14)){
const err36 = {instancePath:instancePath+"/passwordHash/r",schemaPath:"#/definitions/PasswordHash/properties/r/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1",schema:1,parentSchema:schema22.properties.r,data:data14};
if(vErrors === null){
vErrors = [err36];
}
else {
vErrors.push(err36);
}
errors++;
}
}
}
if(data5.p !== undefined){
let data15 = data5.p;
if(!((typeof data15 == "number") && (!(data15 % 1) && !isNaN(data15)))){
const err37 = {instancePath:instancePath+"/passwordHash/p",schemaPath:"#/definitions/PasswordHash/properties/p/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema22.properties.p.type,parentSchema:schema22.properties.p,data:data15};
if(vErrors === null){
vErrors = [err37];
}
else {
vErrors.push(err37);
}
errors++;
}
if(typeof data15 == "number"){
if(data15 > 16 || isNaN(data15)){
const err38 = {instancePath:instancePath+"/passwordHash/p",schemaPath:"#/definitions/PasswordHash/properties/p/maximum",keyword:"maximum",params:{comparison: "<=", limit: 16},message:"must be <= 16",schema:16,parentSchema:schema22.properties.p,data:data15};
if(vErrors === null){
vErrors = [err38];
}
else {
vErrors.push(err38);
}
errors++;
}
if(data15 < 1 || isNaN(data15)){
const err39 = {instancePath:instancePath+"/passwordHash/p",schemaPath:"#/definitions/PasswordHash/properties/p/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1",schema:1,parentSchema:schema22.properties.p,data:data15};
if(vErrors === null){
vErrors = [err39];
}
else {
vErrors.push(err39);
}
errors++;
}
}
}
if(data5.cost !== undefined){
let data16 = data5.cost;
if(!((typeof data16 == "number") && (!(data16 % 1) && !isNaN(data16)))){
const err40 = {instancePath:instancePath+"/passwordHash/cost",schemaPath:"#/definitions/PasswordHash/properties/cost/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema22.properties.cost.type,parentSchema:schema22.properties.cost,data:data16};
if(vErrors === null){
vErrors = [err40];
}
else {
vErrors.push(err40);
}
errors++;
}
if(typeof data16 == "number"){
if(data16 > 20 || isNaN(data16)){
const err41 = {instancePath:instancePath+"/passwordHash/cost",schemaPath:"#/definitions/PasswordHash/properties/cost/maximum",keyword:"maximum",params:{comparison: "<=", limit: 20},message:"must be <= 20",schema:20,parentSchema:schema22.properties.cost,data:data16};
if(vErrors === null){
vErrors = [err41];
}
else {
vErrors.push(err41);
}
errors++;
}
if(data16 < 4 || isNaN(data16)){
const err42 = {instancePath:instancePath+"/passwordHash/cost",schemaPath:"#/definitions/PasswordHash/properties/cost/minimum",keyword:"minimum",params:{comparison: ">=", limit: 4},message:"must be >= 4",schema:4,parentSchema:schema22.properties.cost,data:data16};
if(vErrors === null){
vErrors = [err42];
}
else {
vErrors.push(err42);
}
errors++;
}
}
}
if(data5.memoryCost !== undefined){
let data17 = data5.memoryCost;
if(!((typeof data17 == "number") && (!(data17 % 1) && !isNaN(data17)))){
const err43 = {instancePath:instancePath+"/passwordHash/memoryCost",schemaPath:"#/definitions/PasswordHash/properties/memoryCost/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema22.properties.memoryCost.type,parentSchema:schema22.properties.memoryCost,data:data17};
if(vErrors === null){
vErrors = [err43];
}
else {
vErrors.push(err43);
}
errors++;
}
if(typeof data17 == "number"){
if(data17 > 1048576 || isNaN(data17)){
const err44 = {instancePath:instancePath+"/passwordHash/memoryCost",schemaPath:"#/definitions/PasswordHash/properties/memoryCost/maximum",keyword:"maximum",params:{comparison: "<=", limit: 1048576},message:"must be <= 1048576",schema:1048576,parentSchema:schema22.properties.memoryCost,data:data17};
if(vErrors === null){
vErrors = [err44];
}
else {
vErrors.push(err44);
}
errors++;
}
if(data17 < 8 || isNaN(data17)){
const err45 = {instancePath:instancePath+"/passwordHash/memoryCost",schemaPath:"#/definitions/PasswordHash/properties/memoryCost/minimum",keyword:"minimum",params:{comparison: ">=", limit: 8},message:"must be >= 8",schema:8,parentSchema:schema22.properties.memoryCost,data:data17};
if(vErrors === null){
vErrors = [err45];
}
else {
vErrors.push(err45);
}
errors++;
}
}
}
if(data5.timeCost !== undefined){
let data18 = data5.timeCost;
if(!((typeof data18 == "number") && (!(data18 % 1) && !isNaN(data18)))){
const err46 = {instancePath:instancePath+"/passwordHash/timeCost",schemaPath:"#/definitions/PasswordHash/properties/timeCost/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema22.properties.timeCost.type,parentSchema:schema22.properties.timeCost,data:data18};
if(vErrors === null){
vErrors = [err46];
}
else {
vErrors.push(err46);
}
errors++;
}
if(typeof data18 == "number"){
if(data18 > 100 || isNaN(data18)){
const err47 = {instancePath:instancePath+"/passwordHash/timeCost",schemaPath:"#/definitions/PasswordHash/properties/timeCost/maximum",keyword:"maximum",params:{comparison: "<=", limit: 100},message:"must be <= 100",schema:100,parentSchema:schema22.properties.timeCost,data:data18};
if(vErrors === null){
vErrors = [err47];
}
else {
vErrors.push(err47);
}
errors++;
}
if(data18 < 1 || isNaN(data18)){
const err48 = {instancePath:instancePath+"/passwordHash/timeCost",schemaPath:"#/definitions/PasswordHash/properties/timeCost/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1",schema:1,parentSchema:schema22.properties.timeCost,data:data18};
if(vErrors === null){
vErrors = [err48];
}
else {
vErrors.push(err48);
}
errors++;
}
}
}
if(data5.parallelism !== undefined){
let data19 = data5.parallelism;
if(!((typeof data19 == "number") && (!(data19 % 1) && !isNaN(data19)))){
const err49 = {instancePath:instancePath+"/passwordHash/parallelism",schemaPath:"#/definitions/PasswordHash/properties/parallelism/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema22.properties.parallelism.type,parentSchema:schema22.properties.parallelism,data:data19};
if(vErrors === null){
vErrors = [err49];
}
else {
vErrors.push(err49);
}
errors++;
}
if(typeof data19 == "number"){
if(data19 > 16 || isNaN(data19)){
const err50 = {instancePath:instancePath+"/passwordHash/parallelism",schemaPath:"#/definitions/PasswordHash/properties/parallelism/maximum",keyword:"maximum",params:{comparison: "<=", limit: 16},message:"must be <= 16",schema:16,parentSchema:schema22.properties.parallelism,data:data19};
if(vErrors === null){
vErrors = [err50];
}
else {
vErrors.push(err50);
}
errors++;
}
if(data19 < 1 || isNaN(data19)){
const err51 = {instancePath:instancePath+"/passwordHash/parallelism",schemaPath:"#/definitions/PasswordHash/properties/parallelism/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1",schema:1,parentSchema:schema22.properties.parallelism,data:data19};
if(vErrors === null){
vErrors = [err51];
}
else {
vErrors.push(err51);
}
errors++;
}
}
}
if(data5.iterations !== undefined){
let data20 = data5.iterations;
if(!((typeof data20 == "number") && (!(data20 % 1) && !isNaN(data20)))){
const err52 = {instancePath:instancePath+"/passwordHash/iterations",schemaPath:"#/definitions/PasswordHash/properties/iterations/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema22.properties.iterations.type,parentSchema:schema22.properties.iterations,data:data20};
if(vErrors === null){
vErrors = [err52];
}
else {
vErrors.push(err52);
}
errors++;
}
if(typeof data20 == "number"){
if(data20 > 10000000 || isNaN(data20)){
const err53 = {instancePath:instancePath+"/passwordHash/iterations",schemaPath:"#/definitions/PasswordHash/properties/iterations/maximum",keyword:"maximum",params:{comparison: "<=", limit: 10000000},message:"must be <= 10000000",schema:10000000,parentSchema:schema22.properties.iterations,data:data20};
if(vErrors === null){
vErrors = [err53];
}
else {
vErrors.push(err53);
}
errors++;
}
if(data20 < 1000 || isNaN(data20)){
const err54 = {instancePath:instancePath+"/passwordHash/iterations",schemaPath:"#/definitions/PasswordHash/properties/iterations/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1000},message:"must be >= 1000",schema:1000,parentSchema:schema22.properties.iterations,data:data20};
if(vErrors === null){
vErrors = [err54];
}
else {
vErrors.push(err54);
}
errors++;
}
}
}
}
else {
const err55 = {instancePath:instancePath+"/passwordHash",schemaPath:"#/definitions/PasswordHash/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema22.type,parentSchema:schema22,data:data5};
if(vErrors === null){
vErrors = [err55];
}
else {
vErrors.push(err55);
}
errors++;
}
}
}
else {
const err56 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema21.type,parentSchema:schema21,data};
if(vErrors === null){
vErrors = [err56];
}
else {
vErrors.push(err56);
}
errors++;
}
validate18.errors = vErrors;
return errors === 0;
}


function validate28(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
let vErrors = null;
let errors = 0;
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.apiVersion === undefined){
const err0 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "apiVersion"},message:"must have required property '"+"apiVersion"+"'",schema:schema19.required,parentSchema:schema19,data};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
if(data.kind === undefined){
const err1 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "kind"},message:"must have required property '"+"kind"+"'",schema:schema19.required,parentSchema:schema19,data};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
if(data.metadata === undefined){
const err2 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "metadata"},message:"must have required property '"+"metadata"+"'",schema:schema19.required,parentSchema:schema19,data};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
if(data.spec === undefined){
const err3 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "spec"},message:"must have required property '"+"spec"+"'",schema:schema19.required,parentSchema:schema19,data};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
for(const key0 in data){
if(!((((key0 === "apiVersion") || (key0 === "kind")) || (key0 === "metadata")) || (key0 === "spec"))){
const err4 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties",schema:false,parentSchema:schema19,data};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
}
if(data.apiVersion !== undefined){
let data0 = data.apiVersion;
if("bulk-users/v1" !== data0){
const err5 = {instancePath:instancePath+"/apiVersion",schemaPath:"#/properties/apiVersion/const",keyword:"const",params:{allowedValue: "bulk-users/v1"},message:"must be equal to constant",schema:"bulk-users/v1",parentSchema:schema19.properties.apiVersion,data:data0};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
}
if(data.kind !== undefined){
let data1 = data.kind;
if("ReconcilerConfig" !== data1){
const err6 = {instancePath:instancePath+"/kind",schemaPath:"#/properties/kind/const",keyword:"const",params:{allowedValue: "ReconcilerConfig"},message:"must be equal to constant",schema:"ReconcilerConfig",parentSchema:schema19.properties.kind,data:data1};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
}
if(data.metadata !== undefined){
let data2 = data.metadata;
if(data2 && typeof data2 == "object" && !Array.isArray(data2)){
if(data2.name === undefined){
const err7 = {instancePath:instancePath+"/metadata",schemaPath:"#/definitions/Metadata/required",keyword:"required",params:{missingProperty: "name"},message:"must have required property '"+"name"+"'",schema:schema13.required,parentSchema:schema13,data:data2};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
for(const key1 in data2){
if(!(((key1 === "name") || (key1 === "labels")) || (key1 === "annotations"))){
const err8 = {instancePath:instancePath+"/metadata",schemaPath:"#/definitions/Metadata/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key1},message:"must NOT have additional properties",schema:false,parentSchema:schema13,data:data2};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
}
if(data2.name !== undefined){
let data3 = data2.name;
if(typeof data3 === "string"){
if(!pattern0.test(data3)){
const err9 = {instancePath:instancePath+"/metadata/name",schemaPath:"#/definitions/Metadata/properties/name/pattern",keyword:"pattern",params:{pattern: "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$"},message:"must match pattern \""+"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$"+"\"",schema:"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$",parentSchema:schema13.properties.name,data:data3};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
}
else {
const err10 = {instancePath:instancePath+"/metadata/name",schemaPath:"#/definitions/Metadata/properties/name/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema13.properties.name.type,parentSchema:schema13.properties.name,data:data3};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
}
if(data2.labels !== undefined){
let data4 = data2.labels;
if(data4 && typeof data4 == "object" && !Array.isArray(data4)){
for(const key2 in data4){
let data5 = data4[key2];
if(typeof data5 !== "string"){
const err11 = {instancePath:instancePath+"/metadata/labels/" + key2.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/definitions/Metadata/properties/labels/additionalProperties/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema13.properties.labels.additionalProperties.type,parentSchema:schema13.properties.labels.additionalProperties,data:data5};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
}
}
else {
const err12 = {instancePath:instancePath+"/metadata/labels",schemaPath:"#/definitions/Metadata/properties/labels/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema13.properties.labels.type,parentSchema:schema13.properties.labels,data:data4};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
}
if(data2.annotations !== undefined){
let data6 = data2.annotations;
if(data6 && typeof data6 == "object" && !Array.isArray(data6)){
for(const key3 in data6){
let data7 = data6[key3];
if(typeof data7 !== "string"){
const err13 = {instancePath:instancePath+"/metadata/annotations/" + key3.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/definitions/Metadata/properties/annotations/additionalProperties/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema13.properties.annotations.additionalProperties.type,parentSchema:schema13.properties.annotations.additionalProperties,data:data7};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
}
}
else {
const err14 = {instancePath:instancePath+"/metadata/annotations",schemaPath:"#/definitions/Metadata/properties/annotations/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema13.properties.annotations.type,parentSchema:schema13.properties.annotations,data:data6};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
}
}
else {
const err15 = {instancePath:instancePath+"/metadata",schemaPath:"#/definitions/Metadata/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema13.type,parentSchema:schema13,data:data2};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
}
if(data.spec !== undefined){
if(!(validate18(data.spec, {instancePath:instancePath+"/spec",parentData:data,parentDataProperty:"spec",rootData}))){
vErrors = vErrors === null ? validate18.errors : vErrors.concat(validate18.errors);
errors = vErrors.length;
}
}
}
else {
const err16 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema19.type,parentSchema:schema19,data};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
validate28.errors = vErrors;
return errors === 0;
}

export const PopulationTemplate = validate30;
const schema23 = {"type":"object","title":"PopulationTemplate","description":"Named defaults for TestUserPopulation specs created through the HTTP API (specs/templates/ holds the built-in ones). metadata.annotations.description describes it.","required":["apiVersion","kind","metadata","spec"],"additionalProperties":false,"properties":{"apiVersion":{"const":"bulk-users/v1"},"kind":{"const":"PopulationTemplate"},"metadata":{"$ref":"#/definitions/Metadata"},"spec":{"$ref":"#/definitions/PopulationTemplateSpec"}}};
const schema25 = {"type":"object","title":"PopulationTemplateSpec","description":"Any field of a PopulationSpec, all optional: the defaults a population created from this template starts from.","additionalProperties":false,"properties":{"count":{"$ref":"#/definitions/PopulationSpec/properties/count"},"usernamePattern":{"$ref":"#/definitions/PopulationSpec/properties/usernamePattern"},"idStart":{"$ref":"#/definitions/PopulationSpec/properties/idStart"},"emailDomain":{"$ref":"#/definitions/PopulationSpec/properties/emailDomain"},"password":{"$ref":"#/definitions/PasswordSource"},"attributes":{"$ref":"#/definitions/PopulationSpec/properties/attributes"},"batchSize":{"$ref":"#/definitions/PopulationSpec/properties/batchSize"},"ttl":{"$ref":"#/definitions/PopulationSpec/properties/ttl"},"expiresAt":{"$ref":"#/definitions/PopulationSpec/properties/expiresAt"},"syncTargets":{"$ref":"#/definitions/PopulationSpec/properties/syncTargets"},"deletionPolicy":{"$ref":"#/definitions/PopulationSpec/properties/deletionPolicy"}}};
const schema26 = {"type":"integer","minimum":0,"maximum":100000000,"description":"How many users the population has."};
const schema27 = {"type":"string","minLength":1,"maxLength":200,"description":"Username of member n; exactly one {id} placeholder, replaced by idStart + n."};
const schema28 = {"type":"integer","minimum":0,"maximum":1000000000000,"default":1,"description":"Sequence number of the first member."};
const schema29 = {"type":"string","pattern":"^[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?$","default":"example.com","description":"email = username when the username is an address, else username@emailDomain."};
const schema31 = {"type":"object","description":"Free-form profile fields, stored as JSON."};
const schema32 = {"type":"integer","minimum":1,"maximum":50000,"default":1000,"description":"Rows per transaction."};
const schema33 = {"type":"string","pattern":"^[1-9][0-9]*(m|h|d|w)$","description":"Lease length: 30m, 12h, 7d, 2w."};
const schema34 = {"type":"string","format":"date-time","description":"RFC 3339 instant after which the population expires."};
const schema35 = {"type":"array","items":{"type":"string"},"uniqueItems":true,"description":"Names of SyncTarget documents that must hold the same users."};
const schema36 = {"enum":["Delete","Retain"],"default":"Delete","description":"What removing this spec does to its users."};

function validate22(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
let vErrors = null;
let errors = 0;
if(data && typeof data == "object" && !Array.isArray(data)){
for(const key0 in data){
if(!(func2.call(schema25.properties, key0))){
const err0 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties",schema:false,parentSchema:schema25,data};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
}
if(data.count !== undefined){
let data0 = data.count;
if(!((typeof data0 == "number") && (!(data0 % 1) && !isNaN(data0)))){
const err1 = {instancePath:instancePath+"/count",schemaPath:"#/definitions/PopulationSpec/properties/count/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema26.type,parentSchema:schema26,data:data0};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
if(typeof data0 == "number"){
if(data0 > 100000000 || isNaN(data0)){
const err2 = {instancePath:instancePath+"/count",schemaPath:"#/definitions/PopulationSpec/properties/count/maximum",keyword:"maximum",params:{comparison: "<=", limit: 100000000},message:"must be <= 100000000",schema:100000000,parentSchema:schema26,data:data0};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
if(data0 < 0 || isNaN(data0)){
const err3 = {instancePath:instancePath+"/count",schemaPath:"#/definitions/PopulationSpec/properties/count/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0",schema:0,parentSchema:schema26,data:data0};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
}
}
if(data.usernamePattern !== undefined){
let data1 = data.usernamePattern;
if(typeof data1 === "string"){
if(func3(data1) > 200){
const err4 = {instancePath:instancePath+"/usernamePattern",schemaPath:"#/definitions/PopulationSpec/properties/usernamePattern/maxLength",keyword:"maxLength",params:{limit: 200},message:"must NOT have more than 200 characters",schema:200,parentSchema:schema27,data:data1};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
if(func3(data1) < 1){
const err5 = {instancePath:instancePath+"/usernamePattern",schemaPath:"#/definitions/PopulationSpec/properties/usernamePattern/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema27,data:data1};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
}
else {
const err6 = {instancePath:instancePath+"/usernamePattern",schemaPath:"#/definitions/PopulationSpec/properties/usernamePattern/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema27.type,parentSchema:schema27,data:data1};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
}
if(data.idStart !== undefined){
let data2 = data.idStart;
if(!((typeof data2 == "number") && (!(data2 % 1) && !isNaN(data2)))){
const err7 = {instancePath:instancePath+"/idStart",schemaPath:"#/definitions/PopulationSpec/properties/idStart/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema28.type,parentSchema:schema28,data:data2};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
if(typeof data2 == "number"){
if(data2 > 1000000000000 || isNaN(data2)){
const err8 = {instancePath:instancePath+"/idStart",schemaPath:"#/definitions/PopulationSpec/properties/idStart/maximum",keyword:"maximum",params:{comparison: "<=", limit: 1000000000000},message:"must be <= 1000000000000",schema:1000000000000,parentSchema:schema28,data:data2};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
if(data2 < 0 || isNaN(data2)){
const err9 = {instancePath:instancePath+"/idStart",schemaPath:"#/definitions/PopulationSpec/properties/idStart/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0",schema:0,parentSchema:schema28,data:data2};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
}
}
if(data.emailDomain !== undefined){
let data3 = data.emailDomain;
if(typeof data3 === "string"){
if(!pattern1.test(data3)){
const err10 = {instancePath:instancePath+"/emailDomain",schemaPath:"#/definitions/PopulationSpec/properties/emailDomain/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?$"},message:"must match pattern \""+"^[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?$"+"\"",schema:"^[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?$",parentSchema:schema29,data:data3};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
}
else {
const err11 = {instancePath:instancePath+"/emailDomain",schemaPath:"#/definitions/PopulationSpec/properties/emailDomain/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema29.type,parentSchema:schema29,data:data3};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
}
if(data.password !== undefined){
let data4 = data.password;
if(data4 && typeof data4 == "object" && !Array.isArray(data4)){
if(Object.keys(data4).length > 1){
const err12 = {instancePath:instancePath+"/password",schemaPath:"#/definitions/PasswordSource/maxProperties",keyword:"maxProperties",params:{limit: 1},message:"must NOT have more than 1 properties",schema:1,parentSchema:schema15,data:data4};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
if(Object.keys(data4).length < 1){
const err13 = {instancePath:instancePath+"/password",schemaPath:"#/definitions/PasswordSource/minProperties",keyword:"minProperties",params:{limit: 1},message:"must NOT have fewer than 1 properties",schema:1,parentSchema:schema15,data:data4};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
for(const key1 in data4){
if(!((key1 === "fromEnv") || (key1 === "value"))){
const err14 = {instancePath:instancePath+"/password",schemaPath:"#/definitions/PasswordSource/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key1},message:"must NOT have additional properties",schema:false,parentSchema:schema15,data:data4};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
}
if(data4.fromEnv !== undefined){
let data5 = data4.fromEnv;
if(typeof data5 === "string"){
if(!pattern2.test(data5)){
const err15 = {instancePath:instancePath+"/password/fromEnv",schemaPath:"#/definitions/PasswordSource/properties/fromEnv/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z_][A-Za-z0-9_]*$"},message:"must match pattern \""+"^[A-Za-z_][A-Za-z0-9_]*$"+"\"",schema:"^[A-Za-z_][A-Za-z0-9_]*$",parentSchema:schema15.properties.fromEnv,data:data5};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
}
else {
const err16 = {instancePath:instancePath+"/password/fromEnv",schemaPath:"#/definitions/PasswordSource/properties/fromEnv/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema15.properties.fromEnv.type,parentSchema:schema15.properties.fromEnv,data:data5};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
}
if(data4.value !== undefined){
let data6 = data4.value;
if(typeof data6 === "string"){
if(func3(data6) < 1){
const err17 = {instancePath:instancePath+"/password/value",schemaPath:"#/definitions/PasswordSource/properties/value/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema15.properties.value,data:data6};
if(vErrors === null){
vErrors = [err17];
}
else {
vErrors.push(err17);
}
errors++;
}
}
else {
const err18 = {instancePath:instancePath+"/password/value",schemaPath:"#/definitions/PasswordSource/properties/value/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema15.properties.value.type,parentSchema:schema15.properties.value,data:data6};
if(vErrors === null){
vErrors = [err18];
}
else {
vErrors.push(err18);
}
errors++;
}
}
}
else {
const err19 = {instancePath:instancePath+"/password",schemaPath:"#/definitions/PasswordSource/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema15.type,parentSchema:schema15,data:data4};
if(vErrors === null){
vErrors = [err19];
}
else {
vErrors.push(err19);
}
errors++;
}
}
if(data.attributes !== undefined){
let data7 = data.attributes;
if(!(data7 && typeof data7 == "object" && !Array.isArray(data7))){
const err20 = {instancePath:instancePath+"/attributes",schemaPath:"#/definitions/PopulationSpec/properties/attributes/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema31.type,parentSchema:schema31,data:data7};
if(vErrors === null){
vErrors = [err20];
}
else {
vErrors.push(err20);
}
errors++;
}
}
if(data.batchSize !== undefined){
let data8 = data.batchSize;
if(!((typeof data8 == "number") && (!(data8 % 1) && !isNaN(data8)))){
const err21 = {instancePath:instancePath+"/batchSize",schemaPath:"#/definitions/PopulationSpec/properties/batchSize/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema32.type,parentSchema:schema32,data:data8};
if(vErrors === null){
vErrors = [err21];
}
else {
vErrors.push(err21);
}
errors++;
}
if(typeof data8 == "number"){
if(data8 > 50000 || isNaN(data8)){
const err22 = {instancePath:instancePath+"/batchSize",schemaPath:"#/definitions/PopulationSpec/properties/batchSize/maximum",keyword:"maximum",params:{comparison: "<=", limit: 50000},message:"must be <= 50000",schema:50000,parentSchema:schema32,data:data8};
if(vErrors === null){
vErrors = [err22];
}
else {
vErrors.push(err22);
}
errors++;
}
if(data8 < 1 || isNaN(data8)){
const err23 = {instancePath:instancePath+"/batchSize",schemaPath:"#/definitions/PopulationSpec/properties/batchSize/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1",schema:1,parentSchema:schema32,data:data8};
if(vErrors === null){
vErrors = [err23];
}
else {
vErrors.push(err23);
}
errors++;
}
}
}
if(data.ttl !== undefined){
let data9 = data.ttl;
if(typeof data9 === "string"){
if(!pattern3.test(data9)){
const err24 = {instancePath:instancePath+"/ttl",schemaPath:"#/definitions/PopulationSpec/properties/ttl/pattern",keyword:"pattern",params:{pattern: "^[1-9][0-9]*(m|h|d|w)$"},message:"must match pattern \""+"^[1-9][0-9]*(m|h|d|w)$"+"\"",schema:"^[1-9][0-9]*(m|h|d|w)$",parentSchema:schema33,data:data9};
if(vErrors === null){
vErrors = [err24];
}
else {
vErrors.push(err24);
}
errors++;
}
}
else {
const err25 = {instancePath:instancePath+"/ttl",schemaPath:"#/definitions/PopulationSpec/properties/ttl/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema33.type,parentSchema:schema33,data:data9};
if(vErrors === null){
vErrors = [err25];
}
else {
vErrors.push(err25);
}
errors++;
}
}
if(data.expiresAt !== undefined){
let data10 = data.expiresAt;
if(typeof data10 === "string"){
if(!(formats0.validate(data10))){
const err26 = {instancePath:instancePath+"/expiresAt",schemaPath:"#/definitions/PopulationSpec/properties/expiresAt/format",keyword:"format",params:{format: "date-time"},message:"must match format \""+"date-time"+"\"",schema:"date-time",parentSchema:schema34,data:data10};
if(vErrors === null){
vErrors = [err26];
}
else {
vErrors.push(err26);
}
errors++;
}
}
else {
const err27 = {instancePath:instancePath+"/expiresAt",schemaPath:"#/definitions/PopulationSpec/properties/expiresAt/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema34.type,parentSchema:schema34,data:data10};
if(vErrors === null){
vErrors = [err27];
}
else {
vErrors.push(err27);
}
errors++;
}
}
if(data.syncTargets !== undefined){
let data11 = data.syncTargets;
if(Array.isArray(data11)){
const len0 = data11.length;
for(let i0=0; i0<len0; i0++){
let data12 = data11[i0];
if(typeof data12 !== "string"){
const err28 = {instancePath:instancePath+"/syncTargets/" + i0,schemaPath:"#/definitions/PopulationSpec/properties/syncTargets/items/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema35.items.type,parentSchema:schema35.items,data:data12};
if(vErrors === null){
vErrors = [err28];
}
else {
vErrors.push(err28);
}
errors++;
}
}
let i1 = data11.length;
let j0;
if(i1 > 1){
const indices0 = {};
for(;i1--;){
let item0 = data11[i1];
if(typeof item0 !== "string"){
continue;
}
if(typeof indices0[item0] == "number"){
j0 = indices0[item0];
const err29 = {instancePath:instancePath+"/syncTargets",schemaPath:"#/definitions/PopulationSpec/properties/syncTargets/uniqueItems",keyword:"uniqueItems",params:{i: i1, j: j0},message:"must NOT have duplicate items (items ## "+j0+" and "+i1+" are identical)",schema:true,parentSchema:schema35,data:data11};
if(vErrors === null){
vErrors = [err29];
}
else {
vErrors.push(err29);
}
errors++;
break;
}
indices0[item0] = i1;
}
}
}
else {
const err30 = {instancePath:instancePath+"/syncTargets",schemaPath:"#/definitions/PopulationSpec/properties/syncTargets/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema35.type,parentSchema:schema35,data:data11};
if(vErrors === null){
vErrors = [err30];
}
else {
vErrors.push(err30);
}
errors++;
}
}
if(data.deletionPolicy !== undefined){
let data13 = data.deletionPolicy;
if(!((data13 === "Delete") || (data13 === "Retain"))){
const err31 = {instancePath:instancePath+"/deletionPolicy",schemaPath:"#/definitions/PopulationSpec/properties/deletionPolicy/enum",keyword:"enum",params:{allowedValues: schema36.enum},message:"must be equal to one of the allowed values",schema:schema36.enum,parentSchema:schema36,data:data13};
if(vErrors === null){
vErrors = [err31];
}
else {
vErrors.push(err31);
}
errors++;
}
}
}
else {
const err32 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema25.type,parentSchema:schema25,data};
if(vErrors === null){
vErrors = [err32];
}
else {
vErrors.push(err32);
}
errors++;
}
validate22.errors = vErrors;
return errors === 0;
}


function validate30(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
let vErrors = null;
let errors = 0;
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.apiVersion === undefined){
const err0 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "apiVersion"},message:"must have required property '"+"apiVersion"+"'",schema:schema23.required,parentSchema:schema23,data};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
if(data.kind === undefined){
const err1 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "kind"},message:"must have required property '"+"kind"+"'",schema:schema23.required,parentSchema:schema23,data};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
if(data.metadata === undefined){
const err2 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "metadata"},message:"must have required property '"+"metadata"+"'",schema:schema23.required,parentSchema:schema23,data};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
if(data.spec === undefined){
const err3 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "spec"},message:"must have required property '"+"spec"+"'",schema:schema23.required,parentSchema:schema23,data};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
for(const key0 in data){
if(!((((key0 === "apiVersion") || (key0 === "kind")) || (key0 === "metadata")) || (key0 === "spec"))){
const err4 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties",schema:false,parentSchema:schema23,data};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
}
if(data.apiVersion !== undefined){
let data0 = data.apiVersion;
if("bulk-users/v1" !== data0){
const err5 = {instancePath:instancePath+"/apiVersion",schemaPath:"#/properties/apiVersion/const",keyword:"const",params:{allowedValue: "bulk-users/v1"},message:"must be equal to constant",schema:"bulk-users/v1",parentSchema:schema23.properties.apiVersion,data:data0};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
}
if(data.kind !== undefined){
let data1 = data.kind;
if("PopulationTemplate" !== data1){
const err6 = {instancePath:instancePath+"/kind",schemaPath:"#/properties/kind/const",keyword:"const",params:{allowedValue: "PopulationTemplate"},message:"must be equal to constant",schema:"PopulationTemplate",parentSchema:schema23.properties.kind,data:data1};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
}
if(data.metadata !== undefined){
let data2 = data.metadata;
if(data2 && typeof data2 == "object" && !Array.isArray(data2)){
if(data2.name === undefined){
const err7 = {instancePath:instancePath+"/metadata",schemaPath:"#/definitions/Metadata/required",keyword:"required",params:{missingProperty: "name"},message:"must have required property '"+"name"+"'",schema:schema13.required,parentSchema:schema13,data:data2};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
for(const key1 in data2){
if(!(((key1 === "name") || (key1 === "labels")) || (key1 === "annotations"))){
const err8 = {instancePath:instancePath+"/metadata",schemaPath:"#/definitions/Metadata/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key1},message:"must NOT have additional properties",schema:false,parentSchema:schema13,data:data2};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
}
if(data2.name !== undefined){
let data3 = data2.name;
if(typeof data3 === "string"){
if(!pattern0.test(data3)){
const err9 = {instancePath:instancePath+"/metadata/name",schemaPath:"#/definitions/Metadata/properties/name/pattern",keyword:"pattern",params:{pattern: "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$"},message:"must match pattern \""+"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$"+"\"",schema:"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$",parentSchema:schema13.properties.name,data:data3};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
}
else {
const err10 = {instancePath:instancePath+"/metadata/name",schemaPath:"#/definitions/Metadata/properties/name/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema13.properties.name.type,parentSchema:schema13.properties.name,data:data3};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
}
if(data2.labels !== undefined){
let data4 = data2.labels;
if(data4 && typeof data4 == "object" && !Array.isArray(data4)){
for(const key2 in data4){
let data5 = data4[key2];
if(typeof data5 !== "string"){
const err11 = {instancePath:instancePath+"/metadata/labels/" + key2.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/definitions/Metadata/properties/labels/additionalProperties/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema13.properties.labels.additionalProperties.type,parentSchema:schema13.properties.labels.additionalProperties,data:data5};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
}
}
else {
const err12 = {instancePath:instancePath+"/metadata/labels",schemaPath:"#/definitions/Metadata/properties/labels/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema13.properties.labels.type,parentSchema:schema13.properties.labels,data:data4};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
}
if(data2.annotations !== undefined){
let data6 = data2.annotations;
if(data6 && typeof data6 == "object" && !Array.isArray(data6)){
for(const key3 in data6){
let data7 = data6[key3];
if(typeof data7 !== "string"){
const err13 = {instancePath:instancePath+"/metadata/annotations/" + key3.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/definitions/Metadata/properties/annotations/additionalProperties/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema13.properties.annotations.additionalProperties.type,parentSchema:schema13.properties.annotations.additionalProperties,data:data7};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
}
}
else {
const err14 = {instancePath:instancePath+"/metadata/annotations",schemaPath:"#/definitions/Metadata/properties/annotations/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema13.properties.annotations.type,parentSchema:schema13.properties.annotations,data:data6};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
}
}
else {
const err15 = {instancePath:instancePath+"/metadata",schemaPath:"#/definitions/Metadata/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema13.type,parentSchema:schema13,data:data2};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
}
if(data.spec !== undefined){
if(!(validate22(data.spec, {instancePath:instancePath+"/spec",parentData:data,parentDataProperty:"spec",rootData}))){
vErrors = vErrors === null ? validate22.errors : vErrors.concat(validate22.errors);
errors = vErrors.length;
}
}
}
else {
const err16 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema23.type,parentSchema:schema23,data};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
validate30.errors = vErrors;
return errors === 0;
}

